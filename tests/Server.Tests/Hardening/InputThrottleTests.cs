using GuruConnect.Server.Relay;

namespace GuruConnect.Server.Tests.Hardening;

/// <summary>The viewer input bucket: 240 a second with a small burst, never a second's worth on top of the refill.</summary>
public sealed class InputThrottleTests
{
    /// <summary>Timestamps the test moves by hand (ManualClock moves only wall time).</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }

    [Fact]
    public void A_burst_after_a_quiet_spell_is_a_tenth_of_a_second_not_a_whole_second()
    {
        var clock = new SteppedClock();
        var throttle = new InputThrottle(240, clock);
        clock.Advance(TimeSpan.FromMinutes(1));

        var burst = Enumerable.Range(0, 1000).Count(_ => throttle.TryTake());

        burst.ShouldBe(24);
    }

    [Fact]
    public void Any_one_second_of_flooding_passes_at_most_240_plus_the_burst()
    {
        var clock = new SteppedClock();
        var throttle = new InputThrottle(240, clock);
        clock.Advance(TimeSpan.FromSeconds(10));
        var passed = 0;

        // A flood: 20 messages every millisecond for one second (20 000 a second).
        for (var ms = 0; ms < 1000; ms++)
        {
            passed += Enumerable.Range(0, 20).Count(_ => throttle.TryTake());
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        passed.ShouldBeInRange(240, 240 + 24);

        // Sustained, the rate is 240 a second.
        var next = 0;
        for (var ms = 0; ms < 1000; ms++)
        {
            next += Enumerable.Range(0, 20).Count(_ => throttle.TryTake());
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        next.ShouldBeInRange(239, 241);
    }
}
