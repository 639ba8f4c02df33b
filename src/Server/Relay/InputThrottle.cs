namespace GuruConnect.Server.Relay;

/// <summary>
/// A token bucket for one viewer's input (docs/protocol.md / docs/protocol.md: at most 240 input messages
/// per second, excess dropped): it refills <c>perSecond</c> tokens a second and holds at most a
/// tenth of a second's worth, so a burst after a quiet spell is 24 messages, not a full second's
/// 240 on top of the refill (which let ~290 through in under a second). Any one second therefore
/// passes at most 240 + 24. Hand-written rather than <c>System.Threading.RateLimiting</c>'s
/// <c>TokenBucketRateLimiter</c>: that one needs a replenishment timer per viewer (or a fixed-period
/// manual refill) and reads its own clock; this one refills from <see cref="TimeProvider"/>
/// timestamps on each take, allocates nothing, and is used only by that viewer's receive loop, so
/// it needs no lock.
/// </summary>
internal sealed class InputThrottle
{
    private readonly int perSecond;
    private readonly TimeProvider time;
    private double tokens;
    private long last;

    public InputThrottle(int perSecond, TimeProvider time)
    {
        this.perSecond = perSecond;
        this.time = time;
        Burst = Math.Max(1, perSecond / 10);
        tokens = Burst;
        last = time.GetTimestamp();
    }

    /// <summary>The most messages passed at once after a quiet spell.</summary>
    public int Burst { get; }

    public bool TryTake()
    {
        var now = time.GetTimestamp();
        tokens = Math.Min(Burst, tokens + (time.GetElapsedTime(last, now).TotalSeconds * perSecond));
        last = now;
        if (tokens < 1)
        {
            return false;
        }

        tokens -= 1;
        return true;
    }
}
