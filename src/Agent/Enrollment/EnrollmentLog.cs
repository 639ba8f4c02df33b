using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Enrollment;

/// <summary>
/// Enrollment events, ids 5100–5199 (CONTRIBUTING.md "Logging event ids"). Keys appear only as
/// fingerprints: no secret in a log (docs/security.md).
/// </summary>
internal static partial class EnrollmentLog
{
    [LoggerMessage(5100, LogLevel.Information,
        "Enrolling at {Endpoint} for site {SiteCode} with enrollment key {KeyFingerprint}, machine uid {MachineUid} ({Scope})", EventName = "Started")]
    public static partial void Started(ILogger logger, Uri endpoint, string siteCode, string keyFingerprint, string machineUid, string scope);

    [LoggerMessage(5101, LogLevel.Information, "Enrolled as machine {MachineId} ({Disposition}); machine key {CredentialFingerprint} stored", EventName = "Enrolled")]
    public static partial void Enrolled(ILogger logger, Guid machineId, string disposition, string credentialFingerprint);

    [LoggerMessage(5102, LogLevel.Warning,
        "Machine {MachineId} awaits approval in the console (" + ConsolePaths.ApprovePending + "); checking again in {RetrySeconds:F0} s", EventName = "Pending")]
    private static partial void Pending(ILogger logger, Guid? machineId, double retrySeconds);

    public static void Pending(ILogger logger, Guid? machineId, TimeSpan retryIn) => Pending(logger, machineId, retryIn.TotalSeconds);

    [LoggerMessage(5103, LogLevel.Error, "{Kind}: {Reason} Retrying in {RetrySeconds:F0} s", EventName = "NotEnrolled")]
    private static partial void NotEnrolled(ILogger logger, string kind, string reason, double retrySeconds);

    public static void NotEnrolled(ILogger logger, string kind, string reason, TimeSpan retryIn) => NotEnrolled(logger, kind, reason, retryIn.TotalSeconds);

    // Said once per attempt, with when the next one is, so a refused machine never looks hung (docs/agent.md "run").
    [LoggerMessage(5109, LogLevel.Error,
        "Enrollment refused: {Reason} Waiting for that fix: the agent reads {ConfigPath} again and retries in {RetryMinutes:F0} min (at {RetryAt:HH:mm} UTC), " +
        "or at once when the service is restarted (systemctl restart guruconnect-agent; Windows: Restart-Service GuruConnectAgent)", EventName = "WaitingForFix")]
    private static partial void WaitingForFix(ILogger logger, string reason, string configPath, double retryMinutes, DateTimeOffset retryAt);

    public static void WaitingForFix(ILogger logger, string reason, string configPath, TimeSpan retryIn, DateTimeOffset retryAt) =>
        WaitingForFix(logger, reason, configPath, retryIn.TotalMinutes, retryAt);

    [LoggerMessage(5104, LogLevel.Information, "Using the machine key {CredentialFingerprint} stored at {Path}", EventName = "UsingStoredCredential")]
    public static partial void UsingStoredCredential(ILogger logger, string credentialFingerprint, string path);

    [LoggerMessage(5105, LogLevel.Information, "Removed the enrollment key from {Path}; the other settings are kept", EventName = "ConfigRewritten")]
    public static partial void ConfigRewritten(ILogger logger, string path);

    // The reason, not the exception: a stack trace has no place in a log an MSP forwards.
    [LoggerMessage(5106, LogLevel.Warning,
        "Enrolled, but could not remove the enrollment key from {Path}; remove the \"enrollmentKey\" line by hand ({Reason})", EventName = "ConfigRewriteFailed")]
    public static partial void ConfigRewriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(5107, LogLevel.Warning, "The server URL {Server} is not https: keys travel unencrypted. Use https:// outside a lab", EventName = "InsecureServer")]
    public static partial void InsecureServer(ILogger logger, Uri server);

    [LoggerMessage(5108, LogLevel.Debug, "Server answered {StatusCode} {Code} (trace id {TraceId})", EventName = "Answer")]
    public static partial void Answer(ILogger logger, int statusCode, string? code, string? traceId);
}
