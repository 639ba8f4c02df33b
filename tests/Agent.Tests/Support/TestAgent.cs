using GuruConnect.Agent.Cli;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;

namespace GuruConnect.Agent.Tests.Support;

/// <summary>An agent with its config and state in a temp folder, run in-process through the real CLI.</summary>
internal sealed class TestAgent : IDisposable
{
    private readonly TempDirectory _directory = new();

    public TestAgent()
    {
        ConfigPath = _directory.Combine("etc", "agent.json");
        StateDirectory = _directory.Combine("state");
    }

    public string ConfigPath { get; }

    public string StateDirectory { get; }

    public string Root => _directory.Path;

    public AgentPaths Paths => new(ConfigPath, StateDirectory);

    public Dictionary<string, string> Environment { get; } = [];

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public CapturingLogSink Logs { get; } = new();

    public FakeHardwareInfo Hardware { get; } = new(FakeHardwareInfo.Default.Signals);

    public bool Privileged { get; set; } = true;

    public TimeProvider Time { get; set; } = TimeProvider.System;

    public AgentContext CreateContext() => new(
        Paths,
        Time,
        Hardware,
        identity => new IdentityKeyedProtector(identity),
        () => new HttpClient { Timeout = TimeSpan.FromSeconds(10) },
        name => Environment.GetValueOrDefault(name),
        () => Privileged,
        Out,
        Error,
        "TEST-PC",
        () => 0.5)
    {
        LogSinks = [Logs],
    };

    public Task<int> RunAsync(params string[] args) =>
        AgentCli.InvokeAsync(args, CreateContext(), handleTerminationSignals: false, TestContext.Current.CancellationToken);

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
          "keyFingerprint": "v3 (7F2A)",
          "labels": { "company": "Acme", "site": "Phoenix", "department": "Front desk", "deviceType": "workstation", "tags": ["kiosk"] },
          "installerNote": "kept as-is"
        }
        """);

    public void Dispose() => _directory.Dispose();
}
