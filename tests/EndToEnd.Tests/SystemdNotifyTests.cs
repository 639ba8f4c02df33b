using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// The real agent's <c>run</c> under a stand-in for systemd (docs/agent.md "Run modes", Type=notify):
/// the test owns the notify socket and is, by name, the agent's parent process, which is how
/// Microsoft.Extensions.Hosting.Systemd decides it runs under systemd. It must see READY=1 once the
/// agent is up, WATCHDOG=1 pings, and STOPPING=1 on SIGTERM; and the agent's log file is 0600.
/// </summary>
public sealed class SystemdNotifyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Run_under_systemd_notifies_ready_watchdog_and_stopping_and_logs_owner_only(DbKind db)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/bin/sh"), "systemd's notify protocol is Linux only");
        await using var scenario = await AgentScenario.StartAsync(db);
        var root = scenario.Machine.Root;

        // SystemdHelpers.IsSystemdService: the parent's /proc/<ppid>/comm must read "systemd".
        var systemd = Path.Combine(root, "systemd");
        File.CreateSymbolicLink(systemd, "/bin/sh");
        var socketPath = Path.Combine(root, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var pidFile = Path.Combine(root, "agent.pid");

        await using var agent = new AgentProcess(scenario.Machine)
        {
            Launcher = AgentLauncher.Dotnet with
            {
                FileName = systemd,
                Program = "-c",
                Environment = new Dictionary<string, string>
                {
                    ["NOTIFY_SOCKET"] = socketPath,
                    ["WATCHDOG_USEC"] = "1000000",
                },
            },
        };
        // sh -c SCRIPT $0 $1: the shell stays the agent's parent (no exec) and tells us the agent's pid.
        agent.Start($"dotnet \"$0\" \"$1\" & echo $! > '{pidFile}'; wait $!", AgentProcess.AgentAssembly, "run");

        var seen = new List<string>();
        await ReceiveUntilAsync(notify, seen, "READY=1", agent);
        await ReceiveUntilAsync(notify, seen, "WATCHDOG=1", agent);
        var online = await WaitOnlineAsync(scenario.Admin, agent);
        online.ShouldBeTrue(agent.Output);

        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using (var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await ReceiveUntilAsync(notify, seen, "STOPPING=1", agent);
        (await agent.WaitForExitAsync(Patience)).ShouldBe(0, agent.Output);
        seen.IndexOf("READY=1").ShouldBeLessThan(seen.IndexOf("STOPPING=1"));

        // journald's format on the console: "<6>" is syslog priority "info".
        agent.Output.ShouldContain("<6>");
        var log = Directory.GetFiles(Path.Combine(agent.StateDirectory, "logs"), "agent-*.log").ShouldHaveSingleItem();
        File.GetUnixFileMode(log).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (await File.ReadAllTextAsync(log)).ShouldContain("SystemdLifetime");
    }

    private static async Task ReceiveUntilAsync(Socket socket, List<string> seen, string expected, AgentProcess agent)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (!seen.Contains(expected))
            {
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                seen.AddRange(Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
        }
        catch (OperationCanceledException)
        {
            throw new ShouldAssertException($"No {expected} within {Patience.TotalSeconds:0} s; got [{string.Join(", ", seen)}]. Agent output:\n{agent.Output}");
        }
    }

    private static async Task<bool> WaitOnlineAsync(HttpClient admin, AgentProcess agent)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < Patience)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/machines");
            if (page.GetProperty("items").EnumerateArray().Any(m => m.GetProperty("online").GetBoolean()))
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
}
