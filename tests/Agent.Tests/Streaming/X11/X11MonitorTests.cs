using GuruConnect.Agent.Platform.Linux.X11;

namespace GuruConnect.Agent.Tests.Streaming.X11;

/// <summary>XRandR monitors on a real Xvfb: RandR 1.5 monitors, the CRTC fallback, and a capture of each.</summary>
public sealed class X11MonitorTests
{
    private const int Width = 1280;
    private const int Height = 720;

    [Fact]
    public async Task TwoRandrMonitors_AreTwoDisplays_EachCapturedFromItsOwnPartOfTheScreen()
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(Width, Height);
        using var client = new XTestClient(xvfb.Display);
        await XRandrMonitors.SplitInTwoAsync(xvfb.Display, Width, Height);
        var pixels = new byte[Width * Height * 4];
        new Random(7).NextBytes(pixels);
        client.Paint(0, 0, Width, Height, pixels);
        using var screen = new X11Screen(X11Connection.Open(xvfb.Display));

        var displays = screen.GetDisplays();

        displays.Select(d => (d.Id, d.Name, d.X, d.Y, d.Width, d.Height)).ShouldBe([
            (1u, "left", 0, 0, 640u, 720u),
            (2u, "right", 640, 0, 640u, 720u),
        ]);
        displays.Count(d => d.Primary).ShouldBe(1);
        foreach (var display in displays)
        {
            var frame = screen.Capture(display.Id);
            frame.Width.ShouldBe((int)display.Width);
            var truth = client.Read(display.X, display.Y, (int)display.Width, (int)display.Height);
            for (var y = 0; y < frame.Height; y++)
                frame.Row(y).SequenceEqual(truth.AsSpan(y * frame.Width * 4, frame.Width * 4)).ShouldBeTrue($"display {display.Id}, row {y}");
        }
    }

    [Fact]
    public async Task WithoutRandr15Monitors_TheEnabledCrtcsAreTheDisplays()
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(Width, Height);
        using var x = X11Connection.Open(xvfb.Display);

        var crtc = x.CrtcMonitors().ShouldHaveSingleItem();

        crtc.ShouldSatisfyAllConditions(
            d => d.Name.ShouldBe("screen"), // Xvfb's one output
            d => d.Width.ShouldBe((uint)Width),
            d => d.Height.ShouldBe((uint)Height),
            d => (d.X, d.Y).ShouldBe((0, 0)));
    }
}
