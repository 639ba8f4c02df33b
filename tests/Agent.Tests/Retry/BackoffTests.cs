using GuruConnect.Agent.Retry;

namespace GuruConnect.Agent.Tests.Retry;

public sealed class BackoffTests
{
    [Fact]
    public void Ceiling_DoublesFromOneSecond_AndCapsAtSixtySeconds()
    {
        var ceilings = Enumerable.Range(0, 9).Select(a => Backoff.Ceiling(a, Backoff.DefaultInitial, Backoff.DefaultMaximum).TotalSeconds);

        ceilings.ShouldBe([1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999999)]
    public void Next_StaysWithinHalfToFullCeiling_ForAnyJitter(double random)
    {
        var backoff = Backoff.CreateDefault(() => random);

        for (var attempt = 0; attempt < 40; attempt++)
        {
            var ceiling = Backoff.Ceiling(attempt, Backoff.DefaultInitial, Backoff.DefaultMaximum);
            var delay = backoff.Next();
            delay.ShouldBeGreaterThanOrEqualTo(ceiling / 2);
            delay.ShouldBeLessThanOrEqualTo(ceiling);
            delay.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public void Next_JitterSpreadsDelays()
    {
        Backoff.Delay(3, 0.0, Backoff.DefaultInitial, Backoff.DefaultMaximum).ShouldBe(TimeSpan.FromSeconds(4));
        Backoff.Delay(3, 1.0, Backoff.DefaultInitial, Backoff.DefaultMaximum).ShouldBe(TimeSpan.FromSeconds(8));
    }

    [Fact]
    public void Reset_StartsAgainFromTheInitialDelay()
    {
        var backoff = Backoff.CreateDefault(() => 1.0);
        for (var i = 0; i < 10; i++)
        {
            backoff.Next();
        }

        backoff.Reset();

        backoff.Next().ShouldBe(TimeSpan.FromSeconds(1));
        backoff.Next().ShouldBe(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Jittered_StaysWithinTheSpread()
    {
        Backoff.Jittered(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), 0).ShouldBe(TimeSpan.FromSeconds(50));
        Backoff.Jittered(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), 1).ShouldBe(TimeSpan.FromSeconds(70));
    }
}
