using System.Collections.Concurrent;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Enrollment;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Platform.Linux;
using GuruConnect.Agent.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// The agent's real services (its host, enrollment, transport) in the test process, against a real
/// server: the transport can be driven and watched directly. OS seams faked: hardware (a
/// <see cref="FakeMachine"/>), inventory, and optionally the clock and the backoff.
/// </summary>
internal sealed class LinkHarness : IDisposable
{
    private readonly IHost host;

    public LinkHarness(FakeMachine machine, TimeProvider? time = null, LinkSettings? settings = null)
    {
        var state = Path.Combine(machine.Root, "state-" + Guid.NewGuid().ToString("N")[..6]);
        var options = new AgentHostOptions(TextWriter.Null, TextWriter.Null)
        {
            ReadEnvironment = false,
            LogToConsole = false,
            Settings = new Dictionary<string, string?>
            {
                [AgentPaths.ConfigVariable] = machine.ConfigPath,
                [AgentPaths.StateVariable] = state,
                [LinuxPlatform.HardwareRootVariable] = machine.HardwareRoot,
                [AgentHost.LogLevelVariable] = "debug",
            },
            ConfigureLogging = logging => logging.AddProvider(Events),
            ConfigureServices = services =>
            {
                services.Replace(ServiceDescriptor.Singleton<IInventorySource>(Inventory));
                // The hardware tree is fake, but the key sealing is the real one for this platform
                // only where it works unprivileged: Linux's identity-keyed AES-GCM.
                services.Replace(ServiceDescriptor.Singleton(new CredentialProtection(identity => new IdentityKeyedProtector(identity))));
                services.Replace(ServiceDescriptor.Singleton<Random>(new HalfRandom()));
                if (time is not null)
                {
                    services.Replace(ServiceDescriptor.Singleton(time));
                }

                if (settings is not null)
                {
                    services.Replace(ServiceDescriptor.Singleton(settings));
                }
            },
        };
        host = AgentHost.CreateBuilder(options, logToFile: false).Build();
    }

    public TestInventory Inventory { get; } = new();

    public LinkEvents Events { get; } = new();

    public IServiceProvider Services => host.Services;

    public IAgentLink Link => Services.GetRequiredService<IAgentLink>();

    public LinkConnector Connector => Services.GetRequiredService<LinkConnector>();

    public Task<AgentCredentials> EnrollAsync() => Services.GetRequiredService<EnrollmentFlow>().EnsureEnrolledAsync(TestContext.Current.CancellationToken);

    public void Dispose() => host.Dispose();

    /// <summary>Pins the backoff jitter at its middle: each delay is 3/4 of its ceiling.</summary>
    private sealed class HalfRandom : Random
    {
        public override double NextDouble() => 0.5;
    }
}

/// <summary>What the agent reports, changeable by the test (a user logs on).</summary>
internal sealed class TestInventory : IInventorySource
{
    private volatile string loggedOnUser = "alice";

    public string LoggedOnUser
    {
        get => loggedOnUser;
        set => loggedOnUser = value;
    }

    public InventorySnapshot Read() => new(
        "TestOS", "1.0", "Test CPU 3000", 4, 8UL << 30, "Acme", "Bench 1", "SN-1", ["10.0.0.5"], ["00:11:22:33:44:55"],
        LoggedOnUser, 0, "UTC", 100, false);
}

/// <summary>The agent's log events with their structured values, by event id.</summary>
internal sealed class LinkEvents : ILoggerProvider
{
    private readonly ConcurrentQueue<(int Id, IReadOnlyDictionary<string, object?> Values, string Message)> events = new();

    public IReadOnlyList<(int Id, IReadOnlyDictionary<string, object?> Values, string Message)> All => [.. events];

    public IEnumerable<IReadOnlyDictionary<string, object?>> Of(int eventId) => events.Where(e => e.Id == eventId).Select(e => e.Values);

    public string Text => string.Join('\n', events.Select(e => $"[{e.Id}] {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(events);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(int, IReadOnlyDictionary<string, object?>, string)> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IReadOnlyList<KeyValuePair<string, object?>> list ? list.ToDictionary(p => p.Key, p => p.Value) : [];
            events.Enqueue((eventId.Id, values, formatter(state, exception)));
        }
    }
}
