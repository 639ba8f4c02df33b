using GuruConnect.Agent.Tests.Streaming;
using GuruConnect.Agent.Tests.Streaming.X11;
using GuruConnect.Protocol.V1;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// Issue 9 acceptance 3 (two monitors): an Xvfb screen split into two XRandR monitors, streamed by the
/// real agent through the real server; a viewer picks one, the other, then both, and what it draws is
/// compared with each monitor's part of the X framebuffer.
/// </summary>
public sealed class StreamingMonitorTests
{
    private const int Width = 1280;
    private const int Height = 720;
    private const int Half = Width / 2;

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_viewer_selects_either_monitor_and_both_and_sees_each_pixel_for_pixel(DbKind db)
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(Width, Height);
        using var x = new XTestClient(xvfb.Display);
        await XRandrMonitors.SplitInTwoAsync(xvfb.Display, Width, Height);
        x.Paint(0, 0, Width, Height, StreamingTests.Noise(Width, Height, 11));
        await using var scenario = await AgentScenario.StartAsync(db);
        await using var agent = await StreamingTests.StartAgentAsync(scenario, xvfb);
        await using var viewer = await FakeViewer.ConnectAsync(scenario.Server, scenario.Admin, await StreamingTests.MachineIdAsync(scenario, agent));
        var canvas = new ViewerCanvas();

        var list = (await viewer.ReceiveAsync(Envelope.PayloadOneofCase.DisplayList, TimeSpan.FromSeconds(30))).DisplayList;
        list.Displays.Select(d => (d.Id, d.X, d.Y, d.Width, d.Height)).ShouldBe([(1u, 0, 0, (uint)Half, (uint)Height), (2u, Half, 0, (uint)Half, (uint)Height)]);
        list.Displays.Count(d => d.Primary).ShouldBe(1);
        var primary = list.Displays.Single(d => d.Primary);

        // Join: the primary monitor only.
        var first = await KeyframeOfAsync(viewer, canvas, primary.Id);
        first.Width.ShouldBe((uint)Half);
        canvas.Matches(Monitor(x, primary), primary.Id).ShouldBeTrue("the primary monitor, pixel for pixel");

        // The other one.
        var other = list.Displays.Single(d => !d.Primary);
        await viewer.SendAsync(new Envelope { SelectDisplay = new SelectDisplay { Id = other.Id } });
        await KeyframeOfAsync(viewer, canvas, other.Id);
        canvas.Matches(Monitor(x, other), other.Id).ShouldBeTrue("the second monitor, pixel for pixel");
        x.Paint(10, 10, 64, 64, StreamingTests.Noise(64, 64, 12)); // on the primary, which this viewer no longer watches
        x.Paint(Half + 100, 100, 64, 64, StreamingTests.Noise(64, 64, 13));
        var delta = await StreamingTests.NextFrameAsync(viewer, canvas);
        delta.DisplayId.ShouldBe(other.Id, "only the selected monitor streams");
        canvas.Matches(Monitor(x, other), other.Id).ShouldBeTrue();

        // Both: a keyframe of each, then a change across the seam reaches both canvases.
        await viewer.SendAsync(new Envelope { SelectAllDisplays = new SelectAllDisplays() });
        var keyframes = new HashSet<uint>();
        while (keyframes.Count < 2)
        {
            var frame = await StreamingTests.NextFrameAsync(viewer, canvas);
            if (frame.Keyframe)
                keyframes.Add(frame.DisplayId);
        }

        canvas.Matches(Monitor(x, primary), primary.Id).ShouldBeTrue();
        canvas.Matches(Monitor(x, other), other.Id).ShouldBeTrue();
        x.Paint(Half - 50, 300, 100, 60, StreamingTests.Noise(100, 60, 14));
        var seen = new HashSet<uint>();
        for (var i = 0; i < 10 && !(canvas.Matches(Monitor(x, primary), primary.Id) && canvas.Matches(Monitor(x, other), other.Id)); i++)
            seen.Add((await StreamingTests.NextFrameAsync(viewer, canvas)).DisplayId);
        seen.ShouldBe([1u, 2u], ignoreOrder: true);
        canvas.Matches(Monitor(x, primary), primary.Id).ShouldBeTrue("the left half of the change, on the first monitor");
        canvas.Matches(Monitor(x, other), other.Id).ShouldBeTrue("the right half of the change, on the second monitor");
    }

    private static byte[] Monitor(XTestClient x, DisplayInfo display) => x.Read(display.X, display.Y, (int)display.Width, (int)display.Height);

    /// <summary>Frames (drawn and acked) until the keyframe of <paramref name="displayId"/>: a frame of the old choice may still be in flight.</summary>
    private static async Task<VideoFrame> KeyframeOfAsync(FakeViewer viewer, ViewerCanvas canvas, uint displayId)
    {
        for (var i = 0; i < 10; i++)
        {
            var frame = await StreamingTests.NextFrameAsync(viewer, canvas);
            if (frame.Keyframe && frame.DisplayId == displayId)
                return frame;
        }

        throw new ShouldAssertException($"no keyframe of display {displayId}");
    }
}
