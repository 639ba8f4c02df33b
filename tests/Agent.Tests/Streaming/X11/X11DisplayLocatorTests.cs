using GuruConnect.Agent.Platform.Linux.X11;

namespace GuruConnect.Agent.Tests.Streaming.X11;

/// <summary>Finding DISPLAY and XAUTHORITY for an agent running as a root service, over fake host facts.</summary>
public sealed class X11DisplayLocatorTests
{
    private readonly FakeHost host = new();

    [Fact]
    public void TheEnvironment_Wins()
    {
        host.Add(new GraphicalSession("2", "x11", ":1", 1000, Active: true, Remote: false));

        X11DisplayLocator.Resolve(":5", "/tmp/cookie", host).ShouldBe(new X11Target(":5", "/tmp/cookie", "environment"));
        X11DisplayLocator.Resolve(":5", null, host).ShouldBe(new X11Target(":5", null, "environment"));
    }

    [Fact]
    public void WithoutDisplay_TheActiveLocalX11Session_IsUsed_WithTheXServersAuthFile()
    {
        host.Add(new GraphicalSession("c1", "tty", string.Empty, 0, Active: false, Remote: false));
        host.Add(new GraphicalSession("5", "x11", ":0", 1001, Active: false, Remote: false));
        host.Add(new GraphicalSession("7", "x11", ":10", 1002, Active: true, Remote: true)); // xrdp / ssh -X: not the console
        host.Add(new GraphicalSession("9", "wayland", ":1", 1003, Active: true, Remote: false)); // no X11 screen to capture
        host.Add(new GraphicalSession("3", "x11", ":1", 1000, Active: true, Remote: false));
        host.Servers.Add(["/usr/lib/xorg/Xorg", ":1", "-seat", "seat0", "-auth", "/var/run/lightdm/root/:1", "-nolisten", "tcp"]);
        host.Servers.Add(["/usr/lib/xorg/Xorg", "-auth", "/run/other"]); // :0, not ours
        host.Files.Add("/var/run/lightdm/root/:1");
        host.Files.Add("/run/other");
        host.Files.Add("/home/alice/.Xauthority");

        X11DisplayLocator.Resolve(null, null, host).ShouldBe(new X11Target(":1", "/var/run/lightdm/root/:1", "logind session 3"));
    }

    [Fact]
    public void TheCookie_FallsBackToGdmsThenTheUsersXauthority()
    {
        host.Add(new GraphicalSession("3", "x11", ":0", 1000, Active: true, Remote: false));
        host.Servers.Add(["/usr/lib/xorg/Xorg", "vt2", "-displayfd", "3", "-auth", "/gone"]); // serves :0 but its file is gone
        host.Files.Add("/home/alice/.Xauthority");

        X11DisplayLocator.Resolve(string.Empty, string.Empty, host)!.XAuthority.ShouldBe("/home/alice/.Xauthority");

        host.Files.Add("/run/user/1000/gdm/Xauthority");
        X11DisplayLocator.Resolve(null, null, host)!.XAuthority.ShouldBe("/run/user/1000/gdm/Xauthority");

        // An XAUTHORITY the service was given is kept even when DISPLAY had to be found.
        X11DisplayLocator.Resolve(null, "/etc/agent/xauth", host).ShouldBe(new X11Target(":0", "/etc/agent/xauth", "logind session 3"));
    }

    [Fact]
    public void NoGraphicalSession_IsNoDisplay()
    {
        host.Add(new GraphicalSession("1", "tty", string.Empty, 1000, Active: true, Remote: false));

        X11DisplayLocator.Resolve(null, null, host).ShouldBeNull();
        host.Files.ShouldBeEmpty();
    }

    [Fact]
    public void LoginctlShowSession_IsParsed()
    {
        var session = LinuxGraphicalSessions.Parse("4", "Type=x11\nDisplay=:0\nUser=1000\nActive=yes\nRemote=no\n");

        session.ShouldBe(new GraphicalSession("4", "x11", ":0", 1000, Active: true, Remote: false));
        LinuxGraphicalSessions.Parse("5", "garbage\nType=\n").ShouldBe(new GraphicalSession("5", string.Empty, string.Empty, uint.MaxValue, false, false));
    }

    private sealed class FakeHost : IGraphicalSessions
    {
        private readonly List<GraphicalSession> sessions = [];

        public HashSet<string> Files { get; } = new(StringComparer.Ordinal);

        public List<IReadOnlyList<string>> Servers { get; } = [];

        public void Add(GraphicalSession session) => sessions.Add(session);

        public IReadOnlyList<GraphicalSession> Sessions() => sessions;

        public string? HomeOf(uint uid) => uid == 1000 ? "/home/alice" : null;

        public bool FileExists(string path) => Files.Contains(path);

        public IReadOnlyList<IReadOnlyList<string>> XServerCommandLines() => Servers;
    }
}
