using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Tests.Streaming;

/// <summary>The session as the transport drives it: envelopes in, envelopes out, on the real loop.</summary>
public sealed class ScreenSessionTests
{
    private readonly FakeScreen screen = new(256, 128);
    private readonly RecordingInjector injector = new();
    private readonly RecordingSender sender = new();

    [Theory]
    [InlineData(0.6, 1)]
    [InlineData(12.9, 13)]
    [InlineData(33.34, 34)]
    [InlineData(20, 20)]
    [InlineData(0, 0)]
    public void TheLoopsTimer_NeverFiresBeforeThePumpIsDue(double askedMs, double givenMs)
    {
        // The system timer truncates to whole milliseconds: under it the loop woke early and spun.
        ScreenSession.TimerWait(TimeSpan.FromMilliseconds(askedMs)).ShouldBe(TimeSpan.FromMilliseconds(givenMs));
        ScreenSession.TimerWait(null).ShouldBe(Timeout.InfiniteTimeSpan, "nothing due: until woken");
    }

    [Fact]
    public async Task ViewerJoined_GetsTheDisplayListThenAKeyframe_AndAcksKeepFramesComing()
    {
        screen.Noise(1);
        await using var session = new ScreenSession(sender, new Platform(screen, injector), TimeProvider.System);

        await session.HandleAsync(new Envelope { ViewerId = "v1", ViewerJoined = new ViewerJoined { ViewerId = "v1", Username = "tech" } }, default);
        var key = await sender.NextAsync(e => e.VideoFrame is not null);

        sender.Sent[0].DisplayList.Displays.Count.ShouldBe(1);
        key.ViewerId.ShouldBe("v1");
        key.VideoFrame.Keyframe.ShouldBeTrue();
        var canvas = new ViewerCanvas();
        canvas.Apply(key.VideoFrame);

        await session.HandleAsync(new Envelope { ViewerId = "v1", FrameAck = new FrameAck { Seq = key.VideoFrame.Seq } }, default);
        screen.Pixels()[4000] ^= 0xFF;
        var delta = await sender.NextAsync(e => e.VideoFrame is not null, skip: 1);
        canvas.Apply(delta.VideoFrame);

        delta.VideoFrame.Keyframe.ShouldBeFalse();
        canvas.Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public async Task TheDisplayList_GoesBeforeTheFirstKeyframe_EvenWhenItsSendIsSlow()
    {
        // The session loop starts with the viewer already known; it used to send the keyframe while the
        // join was still sending the list (seen once in CI as a NullReferenceException above).
        var slow = new RecordingSender { DisplayListDelay = TimeSpan.FromMilliseconds(200) };
        screen.Noise(2);
        await using var session = new ScreenSession(slow, new Platform(screen, injector), TimeProvider.System);

        await session.HandleAsync(new Envelope { ViewerId = "v1", ViewerJoined = new ViewerJoined { ViewerId = "v1" } }, default);
        await slow.NextAsync(e => e.VideoFrame is not null);

        slow.Sent[0].PayloadCase.ShouldBe(Envelope.PayloadOneofCase.DisplayList);
        slow.Sent[1].VideoFrame.Keyframe.ShouldBeTrue();
    }

    [Fact]
    public async Task ViewerLeft_ReleasesHeldKeys_AndTheLastOneClosesTheScreen()
    {
        await using var session = new ScreenSession(sender, new Platform(screen, injector), TimeProvider.System);
        await session.HandleAsync(new Envelope { ViewerId = "v1", ViewerJoined = new ViewerJoined { ViewerId = "v1" } }, default);
        await session.HandleAsync(new Envelope { ViewerId = "v1", KeyInput = new KeyInput { Code = "AltLeft", Down = true, Modifiers = 4 } }, default);
        await session.HandleAsync(new Envelope { ViewerId = "v1", MouseInput = new MouseInput { X = 5, Y = 6, Buttons = 1 } }, default);

        await session.HandleAsync(new Envelope { ViewerId = "v1", ViewerLeft = new ViewerLeft { ViewerId = "v1" } }, default);

        injector.Events.ShouldBe(["key AltLeft down", "move 5,6", "button Primary down", "key AltLeft up", "button Primary up"]);
        injector.Disposed.ShouldBeTrue();
    }

    [Fact]
    public async Task LosingInputControl_ReleasesHeldKeys()
    {
        await using var session = new ScreenSession(sender, new Platform(screen, injector), TimeProvider.System);
        await session.HandleAsync(new Envelope { ViewerId = "v1", ViewerJoined = new ViewerJoined { ViewerId = "v1" } }, default);
        await session.HandleAsync(new Envelope { InputControlState = new InputControlState { ControllerViewerId = "v1" } }, default);
        await session.HandleAsync(new Envelope { ViewerId = "v1", KeyInput = new KeyInput { Code = "KeyW", Down = true } }, default);

        await session.HandleAsync(new Envelope { InputControlState = new InputControlState { ControllerViewerId = "v2" } }, default);

        injector.Events.ShouldBe(["key KeyW down", "key KeyW up"]);
    }

    [Fact]
    public async Task WithoutAScreen_AViewerGetsAnEmptyDisplayList()
    {
        await using var session = new ScreenSession(sender, new NoDisplay(), TimeProvider.System);

        await session.HandleAsync(new Envelope { ViewerJoined = new ViewerJoined { ViewerId = "v1" } }, default);
        await session.HandleAsync(new Envelope { ViewerId = "v1", MouseInput = new MouseInput { X = 1 } }, default);

        var list = sender.Sent.ShouldHaveSingleItem();
        list.ViewerId.ShouldBe("v1");
        list.DisplayList.Displays.ShouldBeEmpty();
    }

    private sealed class NoDisplay : IStreamingPlatform
    {
        public IScreenSource OpenScreen() => throw new InvalidOperationException("No X display: DISPLAY is not set.");

        public IInputInjector OpenInput() => throw new InvalidOperationException("never");

        public IClipboard? OpenClipboard() => null;

        public ICursorSource? OpenCursor() => null;

        public IJpegEncoder? OpenJpegEncoder() => null;
    }

    private sealed class Platform(FakeScreen screen, RecordingInjector injector) : IStreamingPlatform
    {
        public IScreenSource OpenScreen() => screen;

        public IInputInjector OpenInput() => injector;

        public IClipboard? OpenClipboard() => null;

        public ICursorSource? OpenCursor() => null;

        public IJpegEncoder? OpenJpegEncoder() => null;
    }
}
