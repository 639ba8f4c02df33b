namespace GuruConnect.Agent.Retry;

/// <summary>
/// Exponential backoff with jitter: the ceiling doubles from <c>initial</c> up to <c>maximum</c>
/// (docs/protocol.md: 1 s doubling to 60 s) and each delay is drawn from [ceiling / 2, ceiling], so a fleet
/// of agents that lost the server at the same moment does not come back in lockstep.
/// Used for enrollment retries now and for reconnects once the transport lands.
/// </summary>
/// <remarks><c>random</c> is uniform in [0, 1), injected so tests can pin the jitter.</remarks>
internal sealed class Backoff(TimeSpan initial, TimeSpan maximum, Func<double> random)
{
    // 2^30 seconds is far past any sane maximum; stops the exponent overflowing.
    private const int MaxExponent = 30;

    public static TimeSpan DefaultInitial { get; } = TimeSpan.FromSeconds(1);

    public static TimeSpan DefaultMaximum { get; } = TimeSpan.FromSeconds(60);

    public int Attempt { get; private set; }

    public static Backoff CreateDefault(Func<double> random) => new(DefaultInitial, DefaultMaximum, random);

    /// <summary>The delay before the next attempt; each call moves one step up.</summary>
    public TimeSpan Next()
    {
        var delay = Delay(Attempt, random(), initial, maximum);
        Attempt = Math.Min(Attempt + 1, MaxExponent);
        return delay;
    }

    /// <summary>After a success: the next failure starts again from <c>initial</c>.</summary>
    public void Reset() => Attempt = 0;

    public static TimeSpan Ceiling(int attempt, TimeSpan initial, TimeSpan maximum)
    {
        var exponent = Math.Clamp(attempt, 0, MaxExponent);
        var ticks = Math.Min(initial.Ticks * Math.Pow(2, exponent), maximum.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    public static TimeSpan Delay(int attempt, double unitRandom, TimeSpan initial, TimeSpan maximum)
    {
        var ceiling = Ceiling(attempt, initial, maximum);
        var fraction = 0.5 + (0.5 * Math.Clamp(unitRandom, 0, 1));
        return TimeSpan.FromTicks((long)(ceiling.Ticks * fraction));
    }

    /// <summary><paramref name="interval"/> ± <paramref name="spread"/>, uniformly: for slow, steady polls.</summary>
    public static TimeSpan Jittered(TimeSpan interval, TimeSpan spread, double unitRandom) =>
        interval + TimeSpan.FromTicks((long)(spread.Ticks * ((2 * Math.Clamp(unitRandom, 0, 1)) - 1)));
}
