using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Tests.Streaming;

/// <summary>Pacing by FrameAck, per viewer, with a step clock and an in-memory screen.</summary>
public sealed class StreamPumpTests : IDisposable
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(34); // a little over 1/30 s
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1.0 / ViewerStream.DefaultFps);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(4);

    private readonly StepClock clock = new();
    private readonly FakeScreen screen = new(320, 192, displayCount: 2);
    private readonly StreamPump pump;
    private readonly Dictionary<string, ViewerCanvas> canvases = [];
    private int typed;

    public StreamPumpTests()
    {
        screen.Noise(1);
        screen.Noise(2, id: 2);
        pump = new StreamPump(screen, clock);
    }

    public void Dispose() => pump.Dispose();

    [Fact]
    public void Join_SendsTheDisplayList_ThenAKeyframeOfThePrimaryDisplay()
    {
        var list = pump.Join("a");
        list.ViewerId.ShouldBe("a");
        list.DisplayList.Displays.Select(d => d.Id).ShouldBe([1u, 2u]);

        var frames = Round();

        frames.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            e => e.ViewerId.ShouldBe("a"),
            e => e.VideoFrame.Keyframe.ShouldBeTrue(),
            e => e.VideoFrame.DisplayId.ShouldBe(1u),
            e => e.VideoFrame.Seq.ShouldBe(1ul));
        canvases["a"].Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void AViewerThatNeverAcks_GetsThreeFrames_ThenIsSkipped_AndOneFrameCatchesItUp()
    {
        pump.Join("slow");
        for (var i = 0; i < 10; i++)
        {
            Type();
            Round();
        }

        canvases["slow"].Frames.ShouldBe(StreamPump.MaxInFlight);
        pump.Viewer("slow")!.Skipped.ShouldBeGreaterThanOrEqualTo(7);
        canvases["slow"].Matches(screen.Pixels()).ShouldBeFalse();

        pump.Ack("slow", 3);
        var frames = Round();

        frames.ShouldHaveSingleItem().VideoFrame.Seq.ShouldBe(4ul);
        canvases["slow"].Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void ASlowViewer_DoesNotSlowAFastOne()
    {
        pump.Join("fast");
        pump.Join("slow");
        for (var i = 0; i < 20; i++)
        {
            Type();
            foreach (var frame in Round())
            {
                if (frame.ViewerId == "fast")
                    pump.Ack("fast", frame.VideoFrame.Seq);
            }
        }

        canvases["fast"].Frames.ShouldBe(20);
        canvases["fast"].Matches(screen.Pixels()).ShouldBeTrue();
        canvases["slow"].Frames.ShouldBe(StreamPump.MaxInFlight);

        pump.Ack("slow", 3);
        Round();
        canvases["slow"].Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void AScrollWhileAViewerLagged_IsSentAsTilesToIt_AndAsCopyRectToTheUpToDateOne()
    {
        var page = new byte[320 * 600 * 4];
        new Random(3).NextBytes(page);
        Show(page, 0);
        pump.Join("fast");
        pump.Join("slow");
        AckAll(Round(), except: "slow");
        for (var i = 0; i < 3; i++)
        {
            Type();
            AckAll(Round(), except: "slow"); // slow: three frames in flight, then skipped
        }

        Show(page, 40);
        var scrolled = Round().ShouldHaveSingleItem();
        scrolled.ViewerId.ShouldBe("fast");
        scrolled.VideoFrame.Tiles[0].Encoding.ShouldBe(TileEncoding.CopyRect);

        pump.Ack("slow", 3);
        var caughtUp = Round().ShouldHaveSingleItem();
        caughtUp.ViewerId.ShouldBe("slow");
        caughtUp.VideoFrame.Tiles.ShouldNotContain(t => t.Encoding == TileEncoding.CopyRect);
        canvases["fast"].Matches(screen.Pixels()).ShouldBeTrue();
        canvases["slow"].Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void QualityRequest_LowersTheFrameRate()
    {
        pump.Join("a");
        pump.SetQuality("a", new QualityRequest { MaxFps = 10 });
        AckAll(Round());

        Type();
        AckAll(Round()).ShouldBeEmpty(); // 34 ms after the keyframe: too early at 10 fps
        Type();
        AckAll(Round()).ShouldBeEmpty();
        Type();
        AckAll(Round()).ShouldHaveSingleItem(); // 102 ms: due, and it carries all three changes
        canvases["a"].Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void AnIdleScreen_SendsNothing()
    {
        pump.Join("a");
        AckAll(Round());

        AckAll(Round()).ShouldBeEmpty();
        AckAll(Round()).ShouldBeEmpty();
    }

    [Fact]
    public void KeyframeRequest_SendsTheWholeDisplayAgain()
    {
        pump.Join("a");
        AckAll(Round());

        pump.RequestKeyframe("a");
        var frame = AckAll(Round()).ShouldHaveSingleItem().VideoFrame;

        frame.Keyframe.ShouldBeTrue();
        frame.Tiles.Sum(t => (long)t.W * t.H).ShouldBe(320 * 192);
    }

    [Fact]
    public void SelectDisplay_SwitchesWithAKeyframe_AndSelectAll_StreamsBoth()
    {
        pump.Join("a");
        AckAll(Round());

        pump.Select("a", 2);
        var second = AckAll(Round()).ShouldHaveSingleItem().VideoFrame;
        second.ShouldSatisfyAllConditions(f => f.DisplayId.ShouldBe(2u), f => f.Keyframe.ShouldBeTrue());
        canvases["a"].Matches(screen.Pixels(2), displayId: 2).ShouldBeTrue();

        pump.Select("a", null);
        AckAll(Round()).Select(f => f.VideoFrame.DisplayId).ShouldBe([1u, 2u]);
        screen.Pixels(2)[100] ^= 0xFF;
        screen.Pixels(1)[200] ^= 0xFF;
        AckAll(Round()).Select(f => f.VideoFrame.DisplayId).ShouldBe([1u, 2u]);
        canvases["a"].Matches(screen.Pixels(1), displayId: 1).ShouldBeTrue();
        canvases["a"].Matches(screen.Pixels(2), displayId: 2).ShouldBeTrue();
    }

    [Fact]
    public void Leave_StopsCapturingForThatViewer()
    {
        pump.Join("a");
        AckAll(Round());
        pump.Leave("a");
        var captures = screen.Captures;

        Type();
        Round().ShouldBeEmpty();
        screen.Captures.ShouldBe(captures);
    }

    [Fact]
    public void BogusAcks_AreIgnored()
    {
        pump.Join("a");
        Round();
        pump.Ack("a", 999); // never sent
        pump.Ack("nobody", 1);

        pump.Viewer("a")!.InFlight.ShouldBe(1);
    }

    [Fact]
    public void AScreenThatTellsChanges_WakesTheSession_AndAChangeAfterAQuietSpellGoesAtOnce()
    {
        screen.ReportsDamage = true;
        var woken = 0;
        screen.NotifyChanges(() => woken++);
        pump.Join("a");
        AckAll(Round());
        Round().ShouldBeEmpty(); // quiet: the next regular look is a whole interval away
        clock.Advance(TimeSpan.FromMilliseconds(10));
        pump.NextWake().ShouldBe(Interval - TimeSpan.FromMilliseconds(10), "nothing told: the regular look");

        screen.Fill(new PixelRect(10, 10, 4, 4), 0xFF00FF00);
        woken.ShouldBe(1);
        pump.NextWake().ShouldBe(TimeSpan.Zero);
        var frames = Round(TimeSpan.Zero);

        frames.ShouldHaveSingleItem().VideoFrame.Tiles.ShouldHaveSingleItem().W.ShouldBe(4u);
        canvases["a"].Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void AChangeToldRightAfterAFrame_WaitsForTheViewersFrameRate()
    {
        screen.ReportsDamage = true;
        pump.Join("a");
        AckAll(Round());
        screen.Fill(new PixelRect(10, 10, 4, 4), 0xFF00FF00);

        Round(Poll).ShouldBeEmpty();
        pump.NextWake().ShouldBe(Interval - Poll);
        Round(Frame - Poll).ShouldHaveSingleItem();
        canvases["a"].Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void AChangeToldThatChangedNothing_CostsOneCapture_UntilTheNextRegularLook()
    {
        screen.ReportsDamage = true;
        pump.Join("a");
        AckAll(Round());
        Round().ShouldBeEmpty();
        screen.Damage(new PixelRect(0, 0, 8, 8)); // told changed, same pixels

        var captures = screen.Captures;
        Round(Poll).ShouldBeEmpty();
        screen.Damage(new PixelRect(0, 0, 8, 8));
        pump.NextWake().ShouldBe(Interval, "no early look again before the regular one, an interval after that capture");
        Round(Poll).ShouldBeEmpty();

        screen.Captures.ShouldBe(captures + 1);
    }

    [Fact]
    public void AScreenThatCannotTellChanges_IsCapturedOnceAFrameInterval()
    {
        pump.Join("a");
        AckAll(Round());
        Round().ShouldBeEmpty();
        clock.Advance(TimeSpan.FromMilliseconds(10));

        pump.NextWake().ShouldBe(Interval - TimeSpan.FromMilliseconds(10));
        Type();
        Round(Poll).ShouldBeEmpty();
        Round(Frame - TimeSpan.FromMilliseconds(10) - Poll).ShouldHaveSingleItem();
    }

    private void Type()
    {
        // One "keystroke": a pixel of the primary display changes.
        screen.Pixels()[((typed++ % 100) * 4) + (50 * 320 * 4)] ^= 0x5A;
    }

    private void Show(byte[] page, int top) => page.AsSpan(top * 320 * 4, 320 * 192 * 4).CopyTo(screen.Pixels());

    /// <summary>One frame interval (or <paramref name="step"/>) passes and the pump runs; every viewer draws what it got.</summary>
    private List<Envelope> Round(TimeSpan? step = null)
    {
        clock.Advance(step ?? Frame);
        var output = new List<Envelope>();
        pump.Pump(output);
        var delivered = output.Select(e => Envelope.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(e))).ToList();
        foreach (var envelope in delivered)
        {
            if (!canvases.TryGetValue(envelope.ViewerId, out var canvas))
                canvases[envelope.ViewerId] = canvas = new ViewerCanvas();
            canvas.Apply(envelope.VideoFrame);
        }

        return delivered;
    }

    private List<Envelope> AckAll(List<Envelope> frames, string? except = null)
    {
        foreach (var frame in frames.Where(f => f.ViewerId != except))
            pump.Ack(frame.ViewerId, frame.VideoFrame.Seq);
        return frames;
    }
}
