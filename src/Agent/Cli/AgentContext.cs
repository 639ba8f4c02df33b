using System.Reflection;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Logging;
using GuruConnect.Agent.Platform;
using GuruConnect.Agent.Platform.Linux;
using GuruConnect.Agent.Platform.Windows;
using GuruConnect.Agent.Service;
using GuruConnect.Agent.State;
using GuruConnect.Agent.Transport;

namespace GuruConnect.Agent.Cli;

/// <summary>
/// Everything the commands take from the outside world, chosen once in <see cref="CreateDefault"/>.
/// Tests build one with fakes at the OS seams (hardware, clock, environment, privileges).
/// </summary>
internal sealed record AgentContext(
    AgentPaths Paths,
    TimeProvider Time,
    IHardwareInfo Hardware,
    Func<MachineIdentity, ICredentialProtector> ProtectorFactory,
    Func<HttpClient> HttpClientFactory,
    Func<string, string?> Environment,
    Func<bool> IsPrivileged,
    TextWriter Out,
    TextWriter Error,
    string HostName,
    Func<double> Random)
{
    public const string LogLevelVariable = "GURUCONNECT_LOG_LEVEL";

    /// <summary>
    /// Linux only: read hardware identity from this folder instead of "/" (a container's bind-mounted
    /// host /sys, or a test's fake machine). Whoever can set the service's environment is root already.
    /// </summary>
    public const string HardwareRootVariable = "GURUCONNECT_AGENT_HARDWARE_ROOT";

    public static string Version { get; } =
        typeof(AgentContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Extra log sinks (tests capture log lines through this).</summary>
    public IReadOnlyList<ILogSink> LogSinks { get; init; } = [];

    /// <summary>The transport seam; by default the relay connection (<see cref="RelayConnection"/>).</summary>
    public Func<AgentStateFile, AgentLogger, IAgentConnection>? ConnectionFactory { get; init; }

    /// <summary>The inventory seam; by default the platform's reader.</summary>
    public IInventorySource Inventory { get; init; } =
        OperatingSystem.IsWindows() ? new WindowsInventorySource() : new LinuxInventorySource();

    /// <summary>The service manager; null where the agent cannot install itself.</summary>
    public Func<IServiceHost?>? ServiceHostFactory { get; init; }

    public static AgentContext CreateDefault(TextWriter output, TextWriter error)
    {
        Func<string, string?> environment = System.Environment.GetEnvironmentVariable;
        return new AgentContext(
            AgentPaths.Resolve(environment),
            TimeProvider.System,
            OperatingSystem.IsWindows() ? new WindowsHardwareInfo() : new LinuxHardwareInfo(environment(HardwareRootVariable) is { Length: > 0 } root ? root : "/"),
            CredentialProtectors.ForCurrentPlatform,
            CreateHttpClient,
            environment,
            () => System.Environment.IsPrivilegedProcess,
            output,
            error,
            System.Environment.MachineName,
            System.Random.Shared.NextDouble);
    }

    public IAgentConnection CreateConnection(AgentStateFile stateFile, AgentLogger log) =>
        ConnectionFactory?.Invoke(stateFile, log) ?? new RelayConnection(
            stateFile,
            Inventory,
            (credentials, key, ct) => CredentialStoreFor(credentials.Identity).SaveAsync(key, ct),
            Time,
            Random,
            log,
            HostName,
            Version);

    public CredentialStore CredentialStoreFor(MachineIdentity identity) => new(Paths.StateDirectory, ProtectorFactory(identity));

    public IServiceHost? CreateServiceHost()
    {
        if (ServiceHostFactory is not null)
        {
            return ServiceHostFactory();
        }

        if (OperatingSystem.IsWindows())
        {
            return new WindowsServiceHost(Time);
        }

        if (OperatingSystem.IsLinux())
        {
            var directory = Environment(SystemdUnit.DirectoryVariable);
            return new SystemdServiceHost(
                string.IsNullOrWhiteSpace(directory) ? SystemdUnit.DefaultDirectory : directory,
                Environment(SystemdUnit.SkipSystemctlVariable) == "1",
                Paths);
        }

        return null;
    }

    /// <summary>
    /// stderr (journald under systemd), the test sinks, and for <c>run</c>/<c>enroll</c> the rolling file;
    /// at <c>GURUCONNECT_LOG_LEVEL</c>, else at <paramref name="level"/>.
    /// </summary>
    public AgentLogger CreateLogger(bool toFile, out IDisposable? fileSink, AgentLogLevel level = AgentLogLevel.Information)
    {
        List<ILogSink> sinks = [.. LogSinks, new TextWriterLogSink(Error)];
        fileSink = null;
        if (toFile)
        {
            try
            {
                SecureDirectory.Ensure(Paths.StateDirectory);
                var file = new RollingFileLogSink(Paths.LogDirectory);
                sinks.Add(file);
                fileSink = file;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // No file log is no reason not to run; stderr still has every line.
            }
        }

        return new AgentLogger(Time, AgentLogger.ParseLevel(Environment(LogLevelVariable), level), sinks);
    }

    private static HttpClient CreateHttpClient()
    {
        var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd($"guruconnect-agent/{Version}");
        return client;
    }
}
