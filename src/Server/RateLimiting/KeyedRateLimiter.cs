using System.Collections.Concurrent;

namespace GuruConnect.Server.RateLimiting;

/// <summary>
/// Per-key fixed-window limiter with a failure-streak lockout (login per IP, change-password per
/// user, enroll per (site, IP), code validation per IP — docs/security.md §14). The map is capped at
/// <see cref="RateLimitPolicy.MaxEntries"/>: when full, idle keys are dropped first, then the
/// least recently used of the keys that are <em>not</em> locked out, so an attacker rotating source
/// addresses can grow memory without bound no more than they can shed a lockout by flooding. Should
/// every entry be a live lockout, new keys are refused (429 until the earliest lockout ends) rather
/// than evicting one (docs/security.md, rate limits).
/// </summary>
internal sealed class KeyedRateLimiter(RateLimitPolicy policy, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Lock trimLock = new();

    public int Count => entries.Count;

    public RateLimitPolicy Policy => policy;

    /// <summary>Counts one request for <paramref name="key"/>; refuses it while locked out or over the window's budget.</summary>
    public RateDecision TryAcquire(string key)
    {
        var now = time.GetUtcNow();
        var entry = GetOrAdd(key, now);
        if (entry is null)
        {
            // Every tracked key is a live lockout (a flood that locked MaxEntries clients): new clients
            // wait at most one lockout. Scanning for the earliest end would cost O(n) per refusal.
            return new RateDecision(false, policy.Lockout);
        }

        lock (entry)
        {
            entry.LastTouched = now;
            if (entry.LockedUntil > now)
            {
                return new RateDecision(false, entry.LockedUntil - now);
            }

            if (now - entry.WindowStart >= policy.Window)
            {
                entry.WindowStart = now;
                entry.Count = 0;
            }

            if (entry.Count >= policy.PermitsPerWindow)
            {
                return new RateDecision(false, entry.WindowStart + policy.Window - now);
            }

            entry.Count++;
            return RateDecision.Allow;
        }
    }

    /// <summary>True while <paramref name="key"/> is locked out (does not count a request).</summary>
    public bool IsLockedOut(string key, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        if (entries.TryGetValue(key, out var entry))
        {
            lock (entry)
            {
                if (entry.LockedUntil > now)
                {
                    retryAfter = entry.LockedUntil - now;
                    return true;
                }
            }
        }

        retryAfter = TimeSpan.Zero;
        return false;
    }

    /// <summary>Records a failed attempt; the Nth consecutive failure starts the lockout.</summary>
    public void RecordFailure(string key)
    {
        var now = time.GetUtcNow();
        // Null only when the table is all live lockouts; this request was refused already.
        if (GetOrAdd(key, now) is not { } entry)
        {
            return;
        }

        lock (entry)
        {
            entry.LastTouched = now;
            entry.Failures++;
            if (entry.Failures >= policy.FailuresBeforeLockout)
            {
                entry.LockedUntil = now + policy.Lockout;
                entry.Failures = 0;
            }
        }
    }

    /// <summary>A success ends the failure streak.</summary>
    public void RecordSuccess(string key)
    {
        if (entries.TryGetValue(key, out var entry))
        {
            lock (entry)
            {
                entry.Failures = 0;
            }
        }
    }

    private Entry? GetOrAdd(string key, DateTimeOffset now)
    {
        if (entries.TryGetValue(key, out var existing))
        {
            return existing;
        }

        if (entries.Count >= policy.MaxEntries)
        {
            Trim(now);
            if (entries.Count >= policy.MaxEntries)
            {
                return null;
            }
        }

        return entries.GetOrAdd(key, static (_, start) => new Entry { WindowStart = start, LastTouched = start }, now);
    }

    private void Trim(DateTimeOffset now)
    {
        lock (trimLock)
        {
            if (entries.Count < policy.MaxEntries)
            {
                return;
            }

            foreach (var (key, entry) in entries)
            {
                if (entry.IsIdle(now, policy.Window))
                {
                    entries.TryRemove(key, out _);
                }
            }

            // Still full: drop the least recently used tenth of the entries that are not locked out.
            // A lockout is never shed by table pressure; if nothing else is left, new keys wait.
            if (entries.Count >= policy.MaxEntries)
            {
                var victims = entries.Where(pair => !pair.Value.IsLocked(now)).OrderBy(pair => pair.Value.LastTouched)
                    .Take(Math.Max(1, policy.MaxEntries / 10)).Select(pair => pair.Key).ToList();
                foreach (var key in victims)
                {
                    entries.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Entry
    {
        public DateTimeOffset WindowStart;
        public int Count;
        public int Failures;
        public DateTimeOffset LockedUntil;
        public DateTimeOffset LastTouched;

        public bool IsLocked(DateTimeOffset now)
        {
            lock (this)
            {
                return LockedUntil > now;
            }
        }

        public bool IsIdle(DateTimeOffset now, TimeSpan window)
        {
            lock (this)
            {
                return LockedUntil <= now && Failures == 0 && now - WindowStart >= window;
            }
        }
    }
}
