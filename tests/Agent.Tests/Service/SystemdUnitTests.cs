using GuruConnect.Agent.Config;
using GuruConnect.Agent.Service;

namespace GuruConnect.Agent.Tests.Service;

public sealed class SystemdUnitTests
{
    private static readonly AgentPaths Defaults = new("/etc/guruconnect/agent.json", "/var/lib/guruconnect", IsSystemWide: true);

    [Fact]
    public void Render_RunsTheAgentAsARestartingRootService()
    {
        var unit = SystemdUnit.Render(["/opt/guruconnect/guruconnect-agent"], Defaults);

        var lines = unit.Split('\n');
        lines.ShouldContain("Type=notify");
        lines.ShouldContain("NotifyAccess=main");
        lines.ShouldContain("WatchdogSec=60");
        lines.ShouldContain("ExecStart=/opt/guruconnect/guruconnect-agent run");
        lines.ShouldContain("Restart=always");
        lines.ShouldContain("RestartSec=5");
        lines.ShouldContain("User=root");
        lines.ShouldContain("NoNewPrivileges=true");
        lines.ShouldContain("ProtectSystem=full");
        lines.ShouldContain("ReadWritePaths=-/etc/guruconnect -/var/lib/guruconnect");
        lines.ShouldContain("RestartPreventExitStatus=3 9");
        lines.ShouldContain("WantedBy=multi-user.target");
        lines.ShouldNotContain(l => l.StartsWith("Environment=", StringComparison.Ordinal));
        lines.ShouldNotContain("PrivateTmp=true");
    }

    [Fact]
    public void Render_SectionsAppearInOrder()
    {
        var unit = SystemdUnit.Render(["/opt/guruconnect/guruconnect-agent"], Defaults);

        unit.IndexOf("[Unit]", StringComparison.Ordinal).ShouldBe(0);
        unit.IndexOf("[Service]", StringComparison.Ordinal).ShouldBeGreaterThan(0);
        unit.IndexOf("[Install]", StringComparison.Ordinal).ShouldBeGreaterThan(unit.IndexOf("[Service]", StringComparison.Ordinal));
        unit.ShouldEndWith("WantedBy=multi-user.target\n");
    }

    [Fact]
    public void Render_PathWithSpacesAndSpecifiers_IsQuotedAndEscaped()
    {
        var unit = SystemdUnit.Render(["/opt/guru connect/100%/agent"], Defaults);

        unit.Split('\n').ShouldContain("ExecStart=\"/opt/guru connect/100%%/agent\" run");
    }

    [Fact]
    public void Render_UnderDotnet_RunsTheDll()
    {
        var unit = SystemdUnit.Render(["/usr/bin/dotnet", "/opt/guruconnect/guruconnect-agent.dll"], Defaults);

        unit.Split('\n').ShouldContain("ExecStart=/usr/bin/dotnet /opt/guruconnect/guruconnect-agent.dll run");
    }

    [Fact]
    public void Render_NonDefaultPaths_AreCarriedAsEnvironment()
    {
        var unit = SystemdUnit.Render(["/opt/a"], new AgentPaths("/srv/gc/agent.json", "/srv/gc/state"));

        var lines = unit.Split('\n');
        lines.ShouldContain("Environment=GURUCONNECT_AGENT_CONFIG=/srv/gc/agent.json");
        lines.ShouldContain("Environment=GURUCONNECT_AGENT_STATE=/srv/gc/state");
        lines.ShouldContain("ReadWritePaths=-/srv/gc -/srv/gc/state");
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("with space", "\"with space\"")]
    [InlineData("quote\"inside", "\"quote\\\"inside\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("$HOME", "$$HOME")]
    [InlineData("", "\"\"")]
    public void Quote_EscapesWhatSystemdWouldSplitOrExpand(string word, string expected)
    {
        SystemdUnit.Quote(word).ShouldBe(expected);
    }
}
