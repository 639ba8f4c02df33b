using Google.Protobuf;
using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Tests.Streaming;

public sealed class CursorTrackerTests
{
    private readonly StepClock clock = new();
    private readonly FakeCursor source = new();

    [Fact]
    public void AJoiningViewer_GetsTheShapeAndPosition_ThenOnlyChangesTravel()
    {
        using var tracker = new CursorTracker(source, clock);
        source.State = new CursorState(10, 20, true, 7);
        tracker.Join("v1");

        var first = Round(tracker);
        first.Select(e => e.PayloadCase).ShouldBe([Envelope.PayloadOneofCase.CursorShape, Envelope.PayloadOneofCase.CursorPosition]);
        first[0].CursorShape.Id.ShouldBe(7u);
        (first[1].CursorPosition.X, first[1].CursorPosition.Y, first[1].CursorPosition.Visible).ShouldBe((10, 20, true));

        Round(tracker).ShouldBeEmpty("nothing moved");

        source.State = source.State with { X = 11 };
        Round(tracker).ShouldHaveSingleItem().CursorPosition.X.ShouldBe(11);
    }

    [Fact]
    public void Sampling_IsPacedWithTheRounds_AtMostSixtyASecond()
    {
        using var tracker = new CursorTracker(source, clock);
        source.State = new CursorState(1, 1, true, 7);
        Round(tracker);

        source.State = source.State with { X = 2 };
        var polls = source.Polls;
        clock.Advance(TimeSpan.FromMilliseconds(5));
        var early = new List<Envelope>();
        tracker.Round(early); // an ack woke the loop 5 ms later: not sampled again yet
        early.ShouldBeEmpty();
        source.Polls.ShouldBe(polls);

        Round(tracker).ShouldHaveSingleItem().CursorPosition.X.ShouldBe(2);
    }

    [Fact]
    public void Shapes_AreCachedById_SoGoingBackIsNotReadAgain_AndASecondViewerGetsTheCurrentOne()
    {
        using var tracker = new CursorTracker(source, clock);
        source.State = new CursorState(0, 0, true, 7);
        Round(tracker);
        source.State = source.State with { ShapeId = 8 };
        Round(tracker).ShouldHaveSingleItem().CursorShape.Id.ShouldBe(8u);
        source.State = source.State with { ShapeId = 7 };
        Round(tracker).ShouldHaveSingleItem().CursorShape.Id.ShouldBe(7u);
        source.Reads.ShouldBe(2, "shape 7 came from the cache the second time");

        tracker.Join("v2");
        var joined = Round(tracker);
        joined.Select(e => (e.ViewerId, e.PayloadCase)).ShouldBe([
            ("v2", Envelope.PayloadOneofCase.CursorShape), ("v2", Envelope.PayloadOneofCase.CursorPosition),
        ]);
        joined[0].CursorShape.Id.ShouldBe(7u);
    }

    [Fact]
    public void ASteadyMovingPointer_AllocatesNothingPerRound()
    {
        using var tracker = new CursorTracker(source, clock);
        source.State = new CursorState(0, 0, true, 7);
        var output = new List<Envelope>(4);
        for (var i = 0; i < 10; i++)
            Step(tracker, output, i); // warm up (JIT, the one reused envelope)

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 10; i < 1010; i++)
            Step(tracker, output, i);

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    private void Step(CursorTracker tracker, List<Envelope> output, int x)
    {
        source.State = source.State with { X = x };
        clock.Advance(TimeSpan.FromMilliseconds(33));
        output.Clear();
        tracker.Round(output);
    }

    private List<Envelope> Round(CursorTracker tracker)
    {
        clock.Advance(TimeSpan.FromMilliseconds(33));
        var output = new List<Envelope>();
        tracker.Round(output);
        // The sender serialises during the send; a copy is what the viewer receives.
        return [.. output.Select(e => Envelope.Parser.ParseFrom(e.ToByteArray()))];
    }

    private sealed class FakeCursor : ICursorSource
    {
        public CursorState State { get; set; }

        public int Polls { get; private set; }

        public int Reads { get; private set; }

        public CursorState Poll()
        {
            Polls++;
            return State;
        }

        public CursorShape? ReadShape()
        {
            Reads++;
            return new CursorShape { Id = State.ShapeId, W = 1, H = 1, Rgba = ByteString.CopyFrom(1, 2, 3, 255) };
        }

        public void Dispose()
        {
        }
    }
}
