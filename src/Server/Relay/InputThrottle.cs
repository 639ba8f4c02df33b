namespace GuruConnect.Server.Relay;

/// <summary>
/// A token bucket for one viewer's input (spec 02: at most 240 input messages per second, excess
/// dropped). Used only by that viewer's receive loop, so it needs no lock.
/// </summary>
internal sealed class InputThrottle(int perSecond, TimeProvider time)
{
    private double tokens = perSecond;
    private long last = time.GetTimestamp();

    public bool TryTake()
    {
        var now = time.GetTimestamp();
        tokens = Math.Min(perSecond, tokens + (time.GetElapsedTime(last, now).TotalSeconds * perSecond));
        last = now;
        if (tokens < 1)
        {
            return false;
        }

        tokens -= 1;
        return true;
    }
}
