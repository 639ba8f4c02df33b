using GuruConnect.Agent.Cli;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Tests.Support;

/// <summary>An agent with its config and state in a temp folder, run in-process through the real CLI and host.</summary>
internal sealed class TestAgent : IDisposable
{
    private readonly TempDirectory _directory = new();

    public TestAgent()
    {
        ConfigPath = _directory.Combine("etc", "agent.json");
        StateDirectory = _directory.Combine("state");
        Paths = new AgentPaths(ConfigPath, StateDirectory);
    }

    public string ConfigPath { get; }

    public string StateDirectory { get; }

    public string Root => _directory.Path;

    public AgentPaths Paths { get; set; }

    /// <summary>Settings as environment variables would give them (GURUCONNECT_*).</summary>
    public Dictionary<string, string?> Environment { get; } = [];

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public FakeHardwareInfo Hardware { get; } = new(FakeHardwareInfo.Default.Signals);

    public bool Privileged { get; set; } = true;

    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>More replacements, applied after the standard ones.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    public AgentHostOptions CreateOptions() => new(Out, Error)
    {
        Settings = Environment,
        ReadEnvironment = false,
        LogToConsole = false,
        ConfigureLogging = logging => logging.AddProvider(Logs),
        ConfigureServices = services =>
        {
            services.Replace(ServiceDescriptor.Singleton(Paths));
            services.Replace(ServiceDescriptor.Singleton(Time));
            services.Replace(ServiceDescriptor.Singleton<IHardwareInfo>(Hardware));
            services.Replace(ServiceDescriptor.Singleton(new CredentialProtection(identity => new IdentityKeyedProtector(identity))));
            services.Replace(ServiceDescriptor.Singleton(new LocalMachine("TEST-PC", Privileged, IdentityNeedsPrivilege: OperatingSystem.IsLinux())));
            services.Replace(ServiceDescriptor.Singleton<Random>(new FixedRandom(0.5)));
            ConfigureServices?.Invoke(services);
        },
    };

    public Task<int> RunAsync(params string[] args) =>
        AgentCli.InvokeAsync(args, CreateOptions(), handleTerminationSignals: false, TestContext.Current.CancellationToken);

    public void WriteConfig(string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        File.WriteAllText(ConfigPath, json);
    }

    public void WriteConfig(Uri server, string? enrollmentKey = TestKeys.EnrollmentKey) => WriteConfig($$"""
        {
          "server": "{{server}}",
          "siteCode": "ACME-PHX",
          {{(enrollmentKey is null ? "" : $"\"enrollmentKey\": \"{enrollmentKey}\",")}}
          "keyFingerprint": "v3 (96CC)",
          "labels": { "company": "Acme", "site": "Phoenix", "department": "Front desk", "deviceType": "workstation", "tags": ["kiosk"] },
          "installerNote": "kept as-is"
        }
        """);

    public void Dispose() => _directory.Dispose();
}
