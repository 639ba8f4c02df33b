using GuruConnect.Agent.Config;
using GuruConnect.Agent.Service;

namespace GuruConnect.Agent.Tests.Update;

/// <summary>The systemd unit runs the previous binary's guard before every start (docs/agent.md "Updates").</summary>
public sealed class UpdateGuardUnitTests
{
    private static readonly AgentPaths Defaults = new("/etc/guruconnect/agent.json", "/var/lib/guruconnect", IsSystemWide: true);

    [Fact]
    public void The_unit_runs_the_previous_binary_s_guard_before_each_start_and_never_fails_on_it()
    {
        var lines = SystemdUnit.Render(["/opt/guruconnect/guruconnect-agent"], Defaults).Split('\n');

        lines.ShouldContain("ExecStartPre=-/opt/guruconnect/guruconnect-agent.previous update --guard");
        lines.ShouldContain("Restart=always");
        Array.IndexOf(lines, "ExecStartPre=-/opt/guruconnect/guruconnect-agent.previous update --guard")
            .ShouldBe(Array.IndexOf(lines, "ExecStart=/opt/guruconnect/guruconnect-agent run") + 1);
    }

    [Fact]
    public void Under_dotnet_nothing_updates_itself_so_there_is_no_guard()
    {
        SystemdUnit.Render(["/usr/bin/dotnet", "/opt/guruconnect/guruconnect-agent.dll"], Defaults).ShouldNotContain("ExecStartPre");
    }

    [Fact]
    public void The_packaged_unit_has_the_same_guard()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "GuruConnect.slnx")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        File.ReadAllLines(Path.Combine(root, "packaging", "installers", "guruconnect-agent.service"))
            .ShouldContain("ExecStartPre=-/opt/guruconnect/guruconnect-agent.previous update --guard");
    }
}
