using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Tests.Streaming;

/// <summary>
/// A frame larger than a part (StreamPump.PartBytes) goes as several VideoFrames, one per session-loop
/// round, from one capture: none over the agent's message limit, each sent as soon as it is encoded, the
/// rest never held back by the frame rate or the acks, and nothing lost when the screen changes meanwhile.
/// </summary>
public sealed class FramePartsTests : IDisposable
{
    private const int Width = 1920;
    private const int Height = 1080;
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(34);

    private readonly StepClock clock = new();
    private readonly FakeScreen screen = new(Width, Height);
    private readonly StreamPump pump;
    private readonly ViewerCanvas canvas = new();

    public FramePartsTests()
    {
        screen.Noise(1); // 8 MB of pixels that do not compress: ~6 MiB of zstd, more than one message may carry
        pump = new StreamPump(screen, clock);
        pump.Join("a");
    }

    public void Dispose() => pump.Dispose();

    [Fact]
    public void AFullScreenOfNoise_GoesInPartsFromOneCapture_EachUnderTheMessageLimit_WithoutWaitingForAcks()
    {
        var parts = new List<Envelope> { Pump(Frame).ShouldHaveSingleItem() };
        pump.Viewer("a")!.Continuing.ShouldBeTrue();
        pump.NextWake().ShouldBe(TimeSpan.Zero, "the session loop goes straight on with the next part");
        parts.AddRange(Rest()); // the clock stands still: no frame interval is waited for

        parts.Count.ShouldBe(4); // 17 tile rows in parts of 2 MiB of pixels: 5, 4, 4, 4
        screen.Captures.ShouldBe(1);
        parts.Select(p => p.VideoFrame.Keyframe).ShouldBe([true, false, false, false]);
        parts.Select(p => p.VideoFrame.Seq).ShouldBe([1ul, 2ul, 3ul, 4ul]);
        parts.ShouldAllBe(p => p.CalculateSize() < ProtocolLimits.MaxAgentMessageBytes);
        parts.Sum(p => p.CalculateSize()).ShouldBeGreaterThan(ProtocolLimits.MaxAgentMessageBytes, "one message could not have carried it");
        canvas.Matches(screen.Pixels()).ShouldBeTrue();
        pump.Viewer("a")!.InFlight.ShouldBe(4, "a frame is never left half sent, acked or not");

        // The next frame waits for acks as usual.
        Type(600);
        Pump(Frame).ShouldBeEmpty();
        pump.Ack("a", 4);
        Pump(Frame).ShouldHaveSingleItem();
        canvas.Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void AChangeWhileAFrameGoesInParts_ComesWithTheNextFrame()
    {
        Pump(Frame).ShouldHaveSingleItem();
        Type(10);   // in the rows already sent
        Type(1000); // in rows still to send: those parts come from the capture the frame began with
        Rest();
        canvas.Matches(screen.Pixels()).ShouldBeFalse();
        pump.Ack("a", pump.Viewer("a")!.LastSent);

        Pump(Frame).ShouldHaveSingleItem().VideoFrame.Tiles.Count.ShouldBe(2);
        canvas.Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void AKeyframeRequestedWhileAFrameGoesInParts_StartsAgainFromTheTop()
    {
        Pump(Frame);
        Pump(TimeSpan.Zero);
        pump.RequestKeyframe("a");

        var again = new List<Envelope> { Pump(TimeSpan.Zero).ShouldHaveSingleItem() };
        again.AddRange(Rest());

        again[0].VideoFrame.Keyframe.ShouldBeTrue();
        again[0].VideoFrame.Tiles.Min(t => t.Y).ShouldBe(0u);
        again.Sum(p => p.VideoFrame.Tiles.Sum(t => (long)t.W * t.H)).ShouldBe(Width * Height);
        canvas.Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void At4K_NoPartPassesTheMessageLimit_EvenWithoutAPartSize()
    {
        using var big = new FakeScreen(3840, 2160);
        big.Noise(2);
        using var whole = new StreamPump(big, clock) { PartBytes = long.MaxValue };
        whole.Join("a");
        var output = new List<Envelope>();
        var view = new ViewerCanvas();
        for (var round = 0; round == 0 || (whole.Viewer("a")!.Continuing && round < 40); round++)
        {
            var first = output.Count;
            whole.Pump(output);
            foreach (var envelope in output.Skip(first))
                view.Apply(Envelope.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(envelope)).VideoFrame);
        }

        output.Count.ShouldBeGreaterThan(1);
        output.ShouldAllBe(p => p.CalculateSize() <= ProtocolLimits.MaxAgentMessageBytes);
        view.Matches(big.Pixels()).ShouldBeTrue();
    }

    /// <summary>The rest of a frame under way, one part per round with the clock standing still.</summary>
    private List<Envelope> Rest()
    {
        var parts = new List<Envelope>();
        for (var round = 0; round < 20 && pump.Viewer("a")!.Continuing; round++)
            parts.Add(Pump(TimeSpan.Zero).ShouldHaveSingleItem());
        pump.Viewer("a")!.Continuing.ShouldBeFalse("the frame's parts all went");
        return parts;
    }

    private void Type(int row) => screen.Pixels()[((row * Width) + 700) * 4] ^= 0x5A;

    private List<Envelope> Pump(TimeSpan step)
    {
        clock.Advance(step);
        var output = new List<Envelope>();
        pump.Pump(output);
        var delivered = output.Select(e => Envelope.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(e))).ToList();
        foreach (var envelope in delivered)
            canvas.Apply(envelope.VideoFrame);
        return delivered;
    }
}
