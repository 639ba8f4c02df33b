using GuruConnect.Agent.Logging;

namespace GuruConnect.Agent.Enrollment;

/// <summary>
/// Enrollment events, ids 1300–1399. Keys appear only as fingerprints (spec 05: no secret in a log).
/// Shaped like <c>[LoggerMessage]</c> methods so they convert one-for-one once ILogger is available.
/// </summary>
internal static class EnrollmentLog
{
    private const string Category = "Enrollment";

    public static void Started(AgentLogger log, Uri endpoint, string siteCode, string keyFingerprint, string machineUid, string scope) =>
        log.Log(AgentLogLevel.Information, Category, 1300, nameof(Started),
            $"Enrolling at {endpoint} for site {siteCode} with enrollment key {keyFingerprint}, machine uid {machineUid} ({scope})");

    public static void Enrolled(AgentLogger log, Guid machineId, string disposition, string credentialFingerprint) =>
        log.Log(AgentLogLevel.Information, Category, 1301, nameof(Enrolled),
            $"Enrolled as machine {machineId} ({disposition}); machine key {credentialFingerprint} stored");

    public static void Pending(AgentLogger log, Guid? machineId, TimeSpan retryIn) =>
        log.Log(AgentLogLevel.Warning, Category, 1302, nameof(Pending),
            $"Machine {machineId} awaits approval in the console (Machines, pending); checking again in {retryIn.TotalSeconds:F0} s");

    public static void NotEnrolled(AgentLogger log, string kind, string message, TimeSpan retryIn) =>
        log.Log(AgentLogLevel.Error, Category, 1303, nameof(NotEnrolled),
            $"{kind}: {message} Retrying in {retryIn.TotalSeconds:F0} s");

    public static void UsingStoredCredential(AgentLogger log, string credentialFingerprint, string path) =>
        log.Log(AgentLogLevel.Information, Category, 1304, nameof(UsingStoredCredential),
            $"Using the machine key {credentialFingerprint} stored at {path}");

    public static void ConfigRewritten(AgentLogger log, string path) =>
        log.Log(AgentLogLevel.Information, Category, 1305, nameof(ConfigRewritten),
            $"Removed the enrollment key from {path}; the other settings are kept");

    public static void ConfigRewriteFailed(AgentLogger log, string path, Exception exception) =>
        log.Log(AgentLogLevel.Warning, Category, 1306, nameof(ConfigRewriteFailed),
            $"Enrolled, but could not remove the enrollment key from {path}; remove the \"enrollmentKey\" line by hand", exception);

    public static void InsecureServer(AgentLogger log, Uri server) =>
        log.Log(AgentLogLevel.Warning, Category, 1307, nameof(InsecureServer),
            $"The server URL {server} is not https: keys travel unencrypted. Use https:// outside a lab");

    public static void Answer(AgentLogger log, int statusCode, string? code, string? traceId) =>
        log.Log(AgentLogLevel.Debug, Category, 1308, nameof(Answer),
            $"Server answered {statusCode} {code} (trace id {traceId})");
}
