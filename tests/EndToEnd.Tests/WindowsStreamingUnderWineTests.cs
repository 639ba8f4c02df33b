using System.Diagnostics;
using System.Runtime.InteropServices;
using GuruConnect.Agent.Tests.Streaming;
using GuruConnect.Agent.Tests.Streaming.X11;
using GuruConnect.Protocol.V1;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// The Windows build's streaming under wine64 on a real Xvfb, through the real server to a
/// protocol-level viewer: the screen as wine's GDI shows it (BitBlt of the desktop; wine has no Desktop
/// Duplication, so this is the fallback path) reaches the viewer as a keyframe, and SendInput moves the
/// pointer on the X screen, and clipboard text crosses both ways. "worker" runs the session-worker path end to end as far as wine allows —
/// the supervisor, CreateProcess of the same binary in <c>session-worker</c> mode, the ACL'd pipe, the
/// pipe protocol — with the agent's own session instead of WTS and CreateProcessAsUser (docs/agent.md
/// "Session worker" lists what this does not run). One database per mode: the server is not under test.
/// </summary>
[Collection(SharedWinePrefix.Name)]
public sealed partial class WindowsStreamingUnderWineTests
{
    private const int Width = 640;
    private const int Height = 480;

    public static TheoryData<string, DbKind> Modes => new()
    {
        { "direct", DbKind.Sqlite },
        { "worker", DbKind.Postgres },
    };

    [Theory, MemberData(nameof(Modes))]
    public async Task The_windows_build_streams_its_desktop_and_takes_input_under_wine(string mode, DbKind db)
    {
        var wine = AgentLauncher.WineOrSkip();
        using var xvfb = await XvfbServer.StartOrSkipAsync(Width, Height);
        await using var scenario = await AgentScenario.StartAsync(db);
        var environment = new Dictionary<string, string>(wine.Environment) { ["DISPLAY"] = xvfb.Display };
        if (mode == "worker")
            environment["GURUCONNECT_SESSION_WORKER"] = "1";
        await using var agent = new AgentProcess(scenario.Machine) { Launcher = wine with { Environment = environment } };
        var (exit, output) = await agent.RunToEndAsync("enroll");
        exit.ShouldBe(0, output);
        agent.Start("run");

        var viewer = await FakeViewer.ConnectAsync(scenario.Server, scenario.Admin, await MachineIdAsync(scenario, agent));
        await using var _ = viewer;
        var list = await viewer.ReceiveAsync(Envelope.PayloadOneofCase.DisplayList, TimeSpan.FromSeconds(90));
        var display = list.DisplayList.Displays.ShouldHaveSingleItem(agent.Output);
        display.Width.ShouldBe((uint)Width, agent.Output);
        display.Height.ShouldBe((uint)Height);

        var frame = (await viewer.Peer.ReceiveAsync(e => e.VideoFrame is not null, TimeSpan.FromSeconds(60))).VideoFrame;
        frame.Keyframe.ShouldBeTrue();
        var canvas = new ViewerCanvas();
        canvas.Apply(frame);
        canvas.Rgba().Length.ShouldBe(Width * Height * 4);
        await viewer.SendAsync(new Envelope { FrameAck = new FrameAck { Seq = frame.Seq } });

        // SendInput → wine → the X server: the pointer lands where the viewer put it.
        using var x = new PointerReader(xvfb.Display);
        await viewer.SendAsync(new Envelope { MouseInput = new MouseInput { X = 321, Y = 123 } });
        var started = Stopwatch.GetTimestamp();
        (int X, int Y) pointer = default;
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(20))
        {
            pointer = x.Pointer();
            if (pointer == (321, 123))
                break;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        pointer.ShouldBe((321, 123), agent.Output);

        // The clipboard both ways: wine bridges its clipboard to the X CLIPBOARD selection, which xclip reads and owns.
        if (!File.Exists("/usr/bin/xclip"))
            Assert.Skip("xclip is needed for the clipboard half: scripts/test.sh installs it.");
        await viewer.SendAsync(new Envelope { ClipboardText = new ClipboardText { Text = "from the viewer ✓" } });
        var pasted = string.Empty;
        started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(20) && pasted != "from the viewer ✓")
        {
            pasted = await XclipAsync(xvfb.Display, "-o", input: null);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        pasted.ShouldBe("from the viewer ✓", agent.Output);
        await XclipAsync(xvfb.Display, "-i", input: "copied on the machine");
        var copied = await viewer.Peer.ReceiveAsync(e => e.ClipboardText is { Text: "copied on the machine" }, TimeSpan.FromSeconds(20));
        copied.ClipboardText.Text.ShouldBe("copied on the machine");
        if (mode == "worker")
            agent.Output.ShouldContain("started in session 0");
    }

    // xclip -i stays alive as the selection's owner until another client takes it; -o prints and exits.
    private static async Task<string> XclipAsync(string display, string direction, string? input)
    {
        var info = new ProcessStartInfo("/usr/bin/xclip") { RedirectStandardInput = input is not null, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-selection");
        info.ArgumentList.Add("clipboard");
        info.ArgumentList.Add(direction);
        info.Environment["DISPLAY"] = display;
        using var process = Process.Start(info)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            return string.Empty;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var text = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return text;
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            return string.Empty;
        }
    }

    private static async Task<Guid> MachineIdAsync(AgentScenario scenario, AgentProcess agent)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(120))
        {
            var page = await scenario.Admin.GetFromJsonAsync<JsonElement>("/api/machines?pageSize=50");
            foreach (var machine in page.GetProperty("items").EnumerateArray())
            {
                if (machine.GetProperty("online").GetBoolean())
                    return machine.GetProperty("id").GetGuid();
            }

            await Task.Delay(500);
        }

        throw new ShouldAssertException($"The agent never came online under wine. Agent output:\n{agent.Output}");
    }

    /// <summary>Where the X server has the pointer (XQueryPointer on the root window).</summary>
    private sealed partial class PointerReader : IDisposable
    {
        private readonly nint display;

        public PointerReader(string name)
        {
            display = XOpenDisplay(name);
            if (display == 0)
                throw new InvalidOperationException("cannot open X display " + name);
        }

        public (int X, int Y) Pointer()
        {
            _ = XQueryPointer(display, XDefaultRootWindow(display), out _, out _, out var x, out var y, out _, out _, out _);
            return (x, y);
        }

        public void Dispose() => _ = XCloseDisplay(display);

        [LibraryImport("libX11.so.6", StringMarshalling = StringMarshalling.Utf8)]
        private static partial nint XOpenDisplay(string name);

        [LibraryImport("libX11.so.6")]
        private static partial nint XDefaultRootWindow(nint display);

        [LibraryImport("libX11.so.6")]
        private static partial int XQueryPointer(nint display, nint window, out nint root, out nint child, out int rootX, out int rootY, out int winX, out int winY, out uint mask);

        [LibraryImport("libX11.so.6")]
        private static partial int XCloseDisplay(nint display);
    }
}
