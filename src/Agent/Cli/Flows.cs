using GuruConnect.Agent.Enrollment;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Logging;

namespace GuruConnect.Agent.Cli;

internal static class Flows
{
    public static EnrollmentFlow CreateEnrollment(AgentContext context, HttpClient http, AgentLogger log) => new(
        context.Paths,
        new IdentityProvider(context.Hardware),
        context.ProtectorFactory,
        new EnrollmentClient(http, context.Time, log),
        context.Time,
        log,
        context.HostName,
        context.Random);
}
