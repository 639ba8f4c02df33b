using System.CommandLine;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Enrollment;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace GuruConnect.Agent.Cli;

/// <summary><c>enroll</c>: one enrollment attempt now; flags override the site config (docs/agent.md "Run modes").</summary>
internal static class EnrollCommand
{
    public static Command Create(AgentHostOptions context)
    {
        var server = new Option<string>("--server") { Description = "Server URL, e.g. https://connect.example.com (overrides \"server\" in the config)." };
        var siteCode = new Option<string>("--site-code") { Description = "Site code (overrides \"siteCode\")." };
        var enrollmentKey = new Option<string>("--enrollment-key")
        {
            Description = "Site enrollment key cek_… (overrides \"enrollmentKey\"). Other local users can see command lines; prefer the config file on shared machines.",
        };
        var command = new Command("enroll", "Enroll this machine now and store its machine key. Exits non-zero with an explanation on rejection, site conflict or pending approval.")
        {
            server,
            siteCode,
            enrollmentKey,
        };
        command.SetAction((parseResult, cancellationToken) => EnrollAsync(
            context, parseResult.GetValue(server), parseResult.GetValue(siteCode), parseResult.GetValue(enrollmentKey), cancellationToken));
        return command;
    }

    /// <summary>The exit code for each way an <c>enroll</c> can end.</summary>
    public static int ExitCodeFor(EnrollmentResult result) => result switch
    {
        EnrollmentResult.Enrolled => ExitCodes.Ok,
        EnrollmentResult.Pending => ExitCodes.PendingApproval,
        EnrollmentResult.Rejected => ExitCodes.EnrollRejected,
        EnrollmentResult.SiteConflict => ExitCodes.SiteConflict,
        EnrollmentResult.RateLimited => ExitCodes.RateLimited,
        EnrollmentResult.Unreachable => ExitCodes.ServerUnreachable,
        EnrollmentResult.Failed { StatusCode: >= 500 } => ExitCodes.ServerUnreachable,
        // No enrollment endpoint at that address: "server" in the config (or --server) is what to fix.
        EnrollmentResult.Failed { StatusCode: 404 or 405 } => ExitCodes.ConfigInvalid,
        // The fields come from the config or the flags (labels, site code): fix them there.
        EnrollmentResult.InvalidRequest => ExitCodes.ConfigInvalid,
        _ => ExitCodes.Unexpected,
    };

    private static async Task<int> EnrollAsync(AgentHostOptions context, string? server, string? siteCode, string? enrollmentKey, CancellationToken cancellationToken)
    {
        using var host = AgentHost.CreateBuilder(context, logToFile: true).Build();
        var services = host.Services;
        var paths = services.GetRequiredService<AgentPaths>();
        if (CommandRunner.RequirePrivilege(context, paths, services.GetRequiredService<LocalMachine>(), "enroll") is { } denied)
        {
            return denied;
        }

        return await CommandRunner.RunAsync(context, async () =>
            {
                var result = await services.GetRequiredService<EnrollmentFlow>().EnrollOnceAsync(server, siteCode, enrollmentKey, cancellationToken);
                switch (result)
                {
                    case EnrollmentResult.Enrolled enrolled:
                        await context.Out.WriteLineAsync(
                            $"{enrolled.Message} The machine key is stored in {paths.StateDirectory}. " +
                            "Start the service with `guruconnect-agent install` (or restart it if it is installed).");
                        break;
                    case EnrollmentResult.Pending:
                        await context.Error.WriteLineAsync(
                            result.Message + " After approval, run `guruconnect-agent enroll` again, or install the service, which keeps checking.");
                        break;
                    default:
                        await context.Error.WriteLineAsync(result.Message);
                        break;
                }

                return ExitCodeFor(result);
            });
    }
}
