using System.Diagnostics;

namespace GuruConnect.Console.Tests;

/// <summary>
/// Real agents, each on its own fake machine and under its own hostname: the agent reports the OS
/// hostname, so each runs in a private UTS namespace (<c>unshare --uts</c>, root) named for the test.
/// </summary>
internal static class Agents
{
    private static readonly Lazy<bool> CanRename = new(() =>
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", ["--uts", "sh", "-c", "hostname gc-probe"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            probe.WaitForExit(10_000);
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public static AgentProcess Start(FakeMachine machine, string hostname)
    {
        if (!CanRename.Value)
        {
            Assert.Skip("Two agents need two hostnames: `unshare --uts` (root) is not available here.");
        }

        var wrapper = Path.Combine(machine.Root, "as-host.sh");
        File.WriteAllText(wrapper, "#!/bin/sh\nexec unshare --uts sh -c 'hostname \"$GC_TEST_HOSTNAME\" && exec dotnet \"$@\"' sh \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var agent = new AgentProcess(machine)
        {
            Launcher = new AgentLauncher(wrapper, null, path => path, new Dictionary<string, string> { ["GC_TEST_HOSTNAME"] = hostname }),
        };
        agent.Start("run");
        return agent;
    }
}
