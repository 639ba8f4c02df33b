using GuruConnect.Agent.Logging;

namespace GuruConnect.Agent.Service;

/// <summary>Service hosting events, ids 1400–1499.</summary>
internal static class ServiceLog
{
    private const string Category = "Service";

    public static void Stopping(AgentLogger log) =>
        log.Log(AgentLogLevel.Information, Category, 1400, nameof(Stopping), "Stop requested; shutting down");

    public static void Starting(AgentLogger log, string version, bool underServiceManager) =>
        log.Log(AgentLogLevel.Information, Category, 1401, nameof(Starting),
            $"guruconnect-agent {version} starting{(underServiceManager ? " under the service control manager" : "")}");

    public static void Fatal(AgentLogger log, int exitCode, string message) =>
        log.Log(AgentLogLevel.Error, Category, 1402, nameof(Fatal), $"Exiting with code {exitCode}: {message}");
}
