using GuruConnect.Agent.Platform.Linux.X11;
using GuruConnect.Agent.Streaming;
using GuruConnect.Agent.Tests.SessionWorker;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Tests.Streaming.X11;

/// <summary>The X11 platform against a real Xvfb: capture through the encoder, damage, scroll, input.</summary>
public sealed class X11StreamingTests
{
    private const int Width = 1280;
    private const int Height = 720;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Capture_ReconstructsTheFramebuffer_AndASmallWindowSendsOnlyItsTiles(bool sharedMemory)
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(Width, Height);
        using var client = new XTestClient(xvfb.Display);
        client.Paint(0, 0, Width, Height, Noise(Width, Height, 1));
        using var screen = new X11Screen(X11Connection.Open(xvfb.Display), sharedMemory);
        screen.UsesSharedMemory.ShouldBe(sharedMemory);
        screen.UsesDamage.ShouldBeTrue();
        var rig = new PumpRig(screen);

        var key = rig.Round(); // noise: 3.5 MiB of pixels, in two parts (StreamPump.PartBytes)
        key.Select(e => e.VideoFrame.Keyframe).ShouldBe([true, false]);
        rig.Canvas.Matches(client.Read(0, 0, Width, Height)).ShouldBeTrue();

        client.Paint(300, 200, 100, 80, Noise(100, 80, 2)); // a small window appears
        var delta = rig.Round().ShouldHaveSingleItem().VideoFrame;

        delta.Tiles.ShouldAllBe(t => t.X >= 256 && t.X + t.W <= 448 && t.Y >= 192 && t.Y + t.H <= 320);
        rig.Canvas.Matches(client.Read(0, 0, Width, Height)).ShouldBeTrue();
    }

    [Fact]
    public async Task TheScreen_TellsOfAChange_WithoutCapturing_OnceUntilAsked()
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(Width, Height);
        using var client = new XTestClient(xvfb.Display);
        client.Paint(0, 0, Width, Height, Noise(Width, Height, 4));
        using var screen = new X11Screen(X11Connection.Open(xvfb.Display));
        var id = screen.GetDisplays()[0].Id;
        screen.TellsChanges.ShouldBeTrue();
        screen.ChangedSinceCapture(id).ShouldBeTrue("never captured");
        screen.Capture(id).IsEmpty.ShouldBeFalse();
        screen.ChangedSinceCapture(id).ShouldBeFalse("quiet since the capture");

        using var notified = new SemaphoreSlim(0);
        screen.NotifyChanges(() => notified.Release());
        (await notified.WaitAsync(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken)).ShouldBeFalse("quiet: nothing told");
        client.Paint(10, 10, 20, 20, Noise(20, 20, 5));
        (await notified.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).ShouldBeTrue("XDamage told of the paint");
        screen.ChangedSinceCapture(id).ShouldBeTrue();
        (await notified.WaitAsync(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken)).ShouldBeFalse("told once, until read");
        screen.Capture(id).IsEmpty.ShouldBeFalse();
        screen.ChangedSinceCapture(id).ShouldBeFalse("the capture took the damage");
    }

    [Fact]
    public async Task AScroll_IsSentAsCopyRect()
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(Width, Height);
        using var client = new XTestClient(xvfb.Display);
        var page = Noise(Width, Height + 100, 3);
        client.Paint(0, 0, Width, Height, page);
        using var screen = new X11Screen(X11Connection.Open(xvfb.Display));
        var rig = new PumpRig(screen);
        rig.Round();

        client.Paint(0, 0, Width, Height, page.AsSpan(38 * Width * 4, Width * Height * 4).ToArray());
        var frame = rig.Round().ShouldHaveSingleItem().VideoFrame;

        frame.Tiles[0].Encoding.ShouldBe(TileEncoding.CopyRect);
        frame.Tiles[0].SrcY.ShouldBe(frame.Tiles[0].Y + 38);
        rig.Canvas.Matches(client.Read(0, 0, Width, Height)).ShouldBeTrue();
        rig.Canvas.LastBytes.ShouldBeLessThan(Width * 4 * 128 + 8192);
    }

    [Fact]
    public async Task Input_ArrivesAsAnXClientSeesIt_AndReleaseAllLetsGo()
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(Width, Height);
        using var client = new XTestClient(xvfb.Display);
        client.OpenRecorder(Width, Height);
        using var injector = new X11Input(X11Connection.Open(xvfb.Display));
        var input = new InputTranslator(injector);

        input.Mouse(new MouseInput { X = 100, Y = 120 });
        input.Mouse(new MouseInput { X = 100, Y = 120, Buttons = 1 });
        input.Mouse(new MouseInput { X = 101, Y = 121, Buttons = 0 });
        input.Mouse(new MouseInput { X = 101, Y = 121, WheelY = 120 });
        input.Mouse(new MouseInput { X = 101, Y = 121, Buttons = 2 });
        input.Mouse(new MouseInput { X = 101, Y = 121, Buttons = 0 });
        input.Key(new KeyInput { Code = "KeyA", Key = "A", Down = true, Modifiers = 1 });
        input.Key(new KeyInput { Code = "KeyA", Key = "A", Down = false, Modifiers = 1 });
        input.Key(new KeyInput { Code = "KeyB", Key = "b", Down = true, Modifiers = 0 });
        input.ReleaseAll();

        var shift = (uint)client.KeycodeOf(0xFFE1);
        var a = (uint)client.KeycodeOf('a');
        var b = (uint)client.KeycodeOf('b');
        // The injector only flushes: read until the last release has arrived (a loaded Xvfb is slow).
        var events = client.Events();
        await Eventually.TrueAsync(() => events.Any(e => e.Type == XTestClient.KeyRelease && e.Detail == b), "the last key release", () => events.AddRange(client.Events()));
        events.ShouldContain(e => e.Type == XTestClient.MotionNotify && e.X == 100 && e.Y == 120);
        events.Where(e => e.Type is XTestClient.ButtonPress or XTestClient.ButtonRelease or XTestClient.KeyPress or XTestClient.KeyRelease)
            .Select(e => (e.Type, e.Detail))
            .ShouldBe([
                (XTestClient.ButtonPress, 1u), (XTestClient.ButtonRelease, 1u),
                (XTestClient.ButtonPress, 5u), (XTestClient.ButtonRelease, 5u), // wheel down one notch
                (XTestClient.ButtonPress, 3u), (XTestClient.ButtonRelease, 3u), // secondary = X button 3
                (XTestClient.KeyPress, shift), (XTestClient.KeyPress, a), (XTestClient.KeyRelease, a),
                (XTestClient.KeyRelease, shift), (XTestClient.KeyPress, b),
                (XTestClient.KeyRelease, b), // released by ReleaseAll, as when the viewer leaves
            ]);
        events.First(e => e.Type == XTestClient.KeyPress && e.Detail == a).State.ShouldBe(1u); // ShiftMask
    }

    [Fact]
    public async Task Monitors_WithoutRandrMonitors_AreTheWholeScreen()
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(Width, Height);
        using var screen = new X11Screen(X11Connection.Open(xvfb.Display));

        var display = screen.GetDisplays().ShouldHaveSingleItem();

        display.ShouldSatisfyAllConditions(
            d => d.Width.ShouldBe((uint)Width),
            d => d.Height.ShouldBe((uint)Height),
            d => d.Primary.ShouldBeTrue());
    }

    private static byte[] Noise(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 4];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }

    private sealed class PumpRig(IScreenSource screen)
    {
        private readonly StepClock clock = new();
        private StreamPump? pump;

        public ViewerCanvas Canvas { get; } = new();

        public List<Envelope> Round()
        {
            if (pump is null)
            {
                pump = new StreamPump(screen, clock);
                pump.Join("v");
            }

            clock.Advance(TimeSpan.FromSeconds(1));
            var output = new List<Envelope>();
            do
            {
                var first = output.Count;
                pump.Pump(output);
                foreach (var envelope in output.Skip(first))
                {
                    Canvas.Apply(envelope.VideoFrame);
                    pump.Ack("v", envelope.VideoFrame.Seq);
                }
            }
            while (pump.Viewer("v")!.Continuing); // the session loop goes on at once: the rest of a frame sent in parts

            return output;
        }
    }
}
