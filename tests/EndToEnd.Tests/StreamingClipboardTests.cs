using GuruConnect.Agent.Tests.Streaming.X11;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// Issue 9 acceptance 3 (clipboard): the real agent on a real Xvfb syncs the CLIPBOARD selection with
/// a viewer through the real server, both ways, on both databases; another X client is xclip.
/// </summary>
public sealed class StreamingClipboardTests
{
    private const string Copied = "Grüße aus dem Büro — 日本語, emoji 👋\nline two\tcell";
    private const string Pasted = "from the technician: ünïcødé ✓ 🚀";

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Text_copied_on_the_desktop_reaches_the_viewer_and_the_viewers_text_pastes_on_the_desktop(DbKind db)
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(640, 480);
        using var xclip = new XClip(xvfb.Display);
        await using var scenario = await AgentScenario.StartAsync(db);
        await using var agent = await StreamingTests.StartAgentAsync(scenario, xvfb);
        await using var viewer = await FakeViewer.ConnectAsync(scenario.Server, scenario.Admin, await StreamingTests.MachineIdAsync(scenario, agent));
        viewer.AckFrames();
        await viewer.ReceiveAsync(Envelope.PayloadOneofCase.VideoFrame, TimeSpan.FromSeconds(30));

        // Desktop → viewer.
        xclip.Copy(Copied);
        (await NextClipboardAsync(viewer)).ShouldBe(Copied);

        // Viewer → desktop: another application pastes it.
        await viewer.SendAsync(new Envelope { ClipboardText = new ClipboardText { Text = Pasted } });
        (await PasteEventuallyAsync(xclip, Pasted)).ShouldBe(Pasted);

        // Control characters from a viewer are stripped before anything on the desktop can paste them.
        await viewer.SendAsync(new Envelope { ClipboardText = new ClipboardText { Text = "echo safe\u001b[201~\u0000; rm -rf ~\u0007" } });
        (await PasteEventuallyAsync(xclip, "echo safe[201~; rm -rf ~")).ShouldBe("echo safe[201~; rm -rf ~");

        // Over 1 MiB copied on the desktop is refused, not truncated; the agent keeps syncing after it.
        xclip.Copy(new string('x', ProtocolLimits.MaxClipboardBytes + 1));
        // Time for the agent (another process) to drain the transfer, so the oversized value is refused, not
        // just left for the next owner (X11ClipboardTests waits on the drain itself; here a loaded machine
        // gets 2 s).
        await Task.Delay(2000, TestContext.Current.CancellationToken);
        xclip.Copy("after the huge one");
        (await NextClipboardAsync(viewer)).ShouldBe("after the huge one", "the oversized value never travels");

        // Over the viewer's 64 KiB message cap the server closes that viewer; the agent is untouched.
        await using var second = await FakeViewer.ConnectAsync(scenario.Server, scenario.Admin, await StreamingTests.MachineIdAsync(scenario, agent));
        await second.SendAsync(new Envelope { ClipboardText = new ClipboardText { Text = new string('y', 70 * 1024) } });
        (await second.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(10))).ShouldBe(System.Net.WebSockets.WebSocketCloseStatus.MessageTooBig);
        xclip.Copy("still syncing");
        (await NextClipboardAsync(viewer)).ShouldBe("still syncing");

        // The text itself is never logged.
        agent.Output.ShouldNotContain("Büro");
        agent.Output.ShouldNotContain("technician:");
        viewer.Peer.History.ShouldNotContain(e => e.ClipboardText != null && e.ClipboardText.Text == Pasted, "the viewer's own text does not echo back");
    }

    /// <summary>The next ClipboardText the viewer has not looked at yet (receiving consumes it).</summary>
    private static async Task<string> NextClipboardAsync(FakeViewer viewer) =>
        (await viewer.ReceiveAsync(Envelope.PayloadOneofCase.ClipboardText, TimeSpan.FromSeconds(20))).ClipboardText.Text;

    private static async Task<string?> PasteEventuallyAsync(XClip xclip, string expected)
    {
        string? pasted = null;
        for (var i = 0; i < 100 && pasted != expected; i++)
        {
            pasted = await xclip.PasteAsync();
            if (pasted != expected)
                await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        return pasted;
    }
}
