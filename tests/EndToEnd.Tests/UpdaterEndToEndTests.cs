using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// docs/agent.md "Updates", for real on Linux: the published single-file agent, built with a test release
/// key, runs against the real server over TLS (a throwaway certificate this machine trusts through
/// <c>SSL_CERT_FILE</c>, so the agent's checks stay the platform's own); the server offers the same build
/// labelled one patch higher, signed with the release key (<c>Releases:SigningKeyPath</c>);
/// <c>guruconnect-agent update</c> verifies, swaps and keeps the previous binary; the test then does what
/// systemd would (restart), and the new binary comes back online through the server and commits.
/// </summary>
public sealed class UpdaterEndToEndTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_published_agent_updates_itself_through_the_real_server_and_comes_back_online(DbKind db)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The real update run uses the linux-x64 single-file agent.");
        }

        var build = await UpdaterBuild.PublishedAsync();
        using var scratch = new Scratch();
        var key = scratch.Combine("tls-key.pem");
        var cert = scratch.Combine("tls-cert.pem");
        await Tools.RunAsync("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "basicConstraints=critical,CA:FALSE",
            "-keyout", key, "-out", cert);

        // What the server serves: this very build, labelled one patch higher.
        var current = GuruConnect.Agent.Hosting.AgentHost.Version;
        var parts = current.Split('-')[0].Split('.').Select(int.Parse).ToArray();
        var next = $"{parts[0]}.{parts[1]}.{parts[2] + 1}";
        var downloads = Directory.CreateDirectory(scratch.Combine("downloads")).FullName;
        Directory.CreateDirectory(Path.Combine(downloads, "linux-x64"));
        File.Copy(build.Agent, Path.Combine(downloads, "linux-x64", "guruconnect-agent"));
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(build.Agent)));
        File.WriteAllText(Path.Combine(downloads, "release.json"), $$"""
            { "version": "{{next}}", "channel": "stable", "signed": false,
              "platforms": { "linux-x64": { "file": "linux-x64/guruconnect-agent", "sha256": "{{sha}}", "signature": null } } }
            """);

        // The installed agent, as the installers lay it down.
        var installed = scratch.Combine("opt/guruconnect-agent");
        Directory.CreateDirectory(Path.GetDirectoryName(installed)!);
        File.Copy(build.Agent, installed);
        File.SetUnixFileMode(installed, (UnixFileMode)0b111_101_101);
        var original = File.ReadAllBytes(installed);

        await using var server = await GuruServer.StartAsync(db,
            "--urls=http://127.0.0.1:0;https://127.0.0.1:0",
            $"--Kestrel:Certificates:Default:Path={cert}",
            $"--Kestrel:Certificates:Default:KeyPath={key}",
            $"--Releases:Directory={downloads}",
            $"--Releases:SigningKeyPath={build.ReleaseKey}");
        var https = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("https://", StringComparison.Ordinal)));
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        using var machine = new FakeMachine();
        machine.WriteConfig(https, site);
        var state = scratch.Combine("state");
        var environment = new Dictionary<string, string>
        {
            ["GURUCONNECT_AGENT_CONFIG"] = machine.ConfigPath,
            ["GURUCONNECT_AGENT_STATE"] = state,
            ["GURUCONNECT_AGENT_HARDWARE_ROOT"] = machine.HardwareRoot,
            ["GURUCONNECT_LOG_LEVEL"] = "debug",
            ["SSL_CERT_FILE"] = cert,
            ["GURUCONNECT_SKIP_SYSTEMCTL"] = "1",
        };

        using (var old = ServiceProcess.Start(installed, environment, "run"))
        {
            (await Online.WaitAsync(admin, TimeSpan.FromSeconds(90))).ShouldBe(1, old.Output);

            // On request: check, then install.
            var (checkExit, checkOutput) = await ServiceProcess.RunAsync(installed, environment, "update", "--check");
            checkExit.ShouldBe(0, checkOutput);
            checkOutput.ShouldContain($"Agent {next} is available (installed: {current}); its release signature verifies.");

            var (exit, output) = await ServiceProcess.RunAsync(installed, environment, "update");
            exit.ShouldBe(0, output);
            output.ShouldContain($"Agent {next} is installed (was {current})");
            output.ShouldContain("Not restarting the service (GURUCONNECT_SKIP_SYSTEMCTL=1)");
            var trial = JsonNode.Parse(File.ReadAllText(Path.Combine(state, "update.json")))!;
            trial["phase"]!.GetValue<string>().ShouldBe("trial");
            File.ReadAllBytes(installed + ".previous").ShouldBe(original);

            // What systemd's restart does: stop the old process, start the binary now at the path.
            old.Stop();
            await Online.WaitForOfflineAsync(admin, TimeSpan.FromSeconds(90));
        }

        using var updated = ServiceProcess.Start(installed, environment, "run");
        (await Online.WaitAsync(admin, TimeSpan.FromSeconds(90))).ShouldBe(1, updated.Output);
        var committed = false;
        for (var started = Stopwatch.GetTimestamp(); !committed && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30);)
        {
            committed = JsonNode.Parse(File.ReadAllText(Path.Combine(state, "update.json")))!["phase"]!.GetValue<string>() == "committed";
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        committed.ShouldBeTrue(updated.Output);
        updated.Output.ShouldContain($"On trial as {next}");
        updated.Output.ShouldContain($"Update to {next} committed: it connected");
        File.ReadAllBytes(installed).ShouldBe(File.ReadAllBytes(Path.Combine(downloads, "linux-x64", "guruconnect-agent")));
        File.Exists(installed + ".previous").ShouldBeTrue("the previous binary is kept");
        var machines = await admin.GetFromJsonAsync<JsonElement>("/api/machines");
        machines.GetProperty("total").GetInt32().ShouldBe(1, "the updated agent is the same machine row");
    }

    [Fact]
    public async Task The_previous_binary_puts_itself_back_before_the_next_start_when_the_new_one_never_started()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The unit's ExecStartPre guard is systemd's (Linux).");
        }

        var build = await UpdaterBuild.PublishedAsync();
        using var scratch = new Scratch();
        var installed = scratch.Combine("opt/guruconnect-agent");
        Directory.CreateDirectory(Path.GetDirectoryName(installed)!);
        // The "new" binary: it cannot start at all. The previous one is the real agent.
        var broken = "not an executable"u8.ToArray();
        File.WriteAllBytes(installed, broken);
        File.Copy(build.Agent, installed + ".previous");
        var state = Directory.CreateDirectory(scratch.Combine("state")).FullName;
        var now = TimeProvider.System.GetUtcNow();
        var trial = new JsonObject
        {
            ["phase"] = "trial",
            ["fromVersion"] = "0.1.0",
            ["toVersion"] = "0.1.1",
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(broken)),
            ["binaryPath"] = installed,
            ["previousPath"] = installed + ".previous",
            ["appliedAt"] = now.AddMinutes(-1).ToString("O"),
            ["deadline"] = now.AddMinutes(1).ToString("O"),
        };
        File.WriteAllText(Path.Combine(state, "update.json"), trial.ToJsonString());
        using var machine = new FakeMachine();
        var environment = new Dictionary<string, string>
        {
            ["GURUCONNECT_AGENT_CONFIG"] = machine.ConfigPath,
            ["GURUCONNECT_AGENT_STATE"] = state,
            ["GURUCONNECT_AGENT_HARDWARE_ROOT"] = machine.HardwareRoot,
        };

        // ExecStartPre=-…/guruconnect-agent.previous update --guard, while the window is open: nothing happens.
        var (exit, output) = await ServiceProcess.RunAsync(installed + ".previous", environment, "update", "--guard");
        exit.ShouldBe(0, output);
        File.ReadAllBytes(installed).ShouldBe(broken);

        // The next start after the deadline: the previous binary is back before ExecStart runs.
        trial["appliedAt"] = now.AddMinutes(-3).ToString("O");
        trial["deadline"] = now.AddMinutes(-1).ToString("O");
        File.WriteAllText(Path.Combine(state, "update.json"), trial.ToJsonString());
        (exit, output) = await ServiceProcess.RunAsync(installed + ".previous", environment, "update", "--guard");
        exit.ShouldBe(0, output);

        File.ReadAllBytes(installed).ShouldBe(File.ReadAllBytes(build.Agent), output);
        JsonNode.Parse(File.ReadAllText(Path.Combine(state, "update.json")))!["phase"]!.GetValue<string>().ShouldBe("rolled-back");
        var (versionExit, version) = await ServiceProcess.RunAsync(installed, environment, "--version");
        versionExit.ShouldBe(0, "the restored agent starts");
        version.ShouldStartWith(GuruConnect.Agent.Hosting.AgentHost.Version);
    }
}

/// <summary>
/// The linux-x64 single-file agent built with a test release key (artifacts/test-updater):
/// scripts/prepare-test-updater.sh publishes it before the suite runs and again only when the agent's
/// sources change, so here it is normally one <c>find</c>.
/// </summary>
internal sealed record UpdaterBuild(string Agent, string ReleaseKey)
{
    private static readonly SemaphoreSlim Publishing = new(1, 1);

    public static async Task<UpdaterBuild> PublishedAsync()
    {
        var root = Downloads.RepositoryRoot();
        var folder = Path.Combine(root, "artifacts", "test-updater");
        await Publishing.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            await Tools.RunAsync("bash", Path.Combine(root, "scripts", "prepare-test-updater.sh"));
        }
        finally
        {
            Publishing.Release();
        }

        return new UpdaterBuild(Path.Combine(folder, "publish", "guruconnect-agent"), Path.Combine(folder, "release-key.pem"));
    }
}

/// <summary>The installed agent started directly, as a service manager starts it.</summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServiceProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static ServiceProcess Start(string agent, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        new(Process.Start(Info(agent, environment, arguments))!);

    public static async Task<(int ExitCode, string Output)> RunAsync(string agent, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var process = Process.Start(Info(agent, environment, arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Stop()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Stop();
        process.Dispose();
    }

    private static ProcessStartInfo Info(string agent, IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        var start = new ProcessStartInfo(agent) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
