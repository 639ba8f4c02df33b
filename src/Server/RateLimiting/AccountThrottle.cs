using System.Collections.Concurrent;

namespace GuruConnect.Server.RateLimiting;

/// <summary>
/// Per-account login throttle against a guess spread over many addresses (each under its own
/// per-IP limit). Every account name — existing or not, so a 429 tells nothing — has a bucket of
/// <see cref="Burst"/> failures that refills one token per <see cref="RefillEvery"/>. A failed
/// login from an address the account has never logged in from takes a token; while the bucket is
/// empty such addresses get 429 before any password check. Addresses (IPv6 by /64) the account
/// has logged in from are remembered and never throttled, and their failures take no token, so
/// an attacker can slow the real user only on an address they have never used — they are never
/// locked out of their account. The table is capped like <see cref="KeyedRateLimiter"/>: full
/// buckets go first, then the oldest, and a drained bucket is never evicted; when nothing is
/// evictable new names are not tracked (each still has its per-IP limit). See docs/security.md.
/// </summary>
internal sealed class AccountThrottle(int burst, TimeSpan refillEvery, int maxEntries, TimeProvider time)
{
    /// <summary>Addresses remembered per account (most recent kept).</summary>
    public const int KnownAddressesPerAccount = 16;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Lock trimLock = new();

    public int Burst => burst;

    public TimeSpan RefillEvery => refillEvery;

    public int Count => entries.Count;

    /// <summary>May <paramref name="client"/> (a <see cref="ClientBucket"/>) try a password for <paramref name="account"/> now?</summary>
    public RateDecision TryAttempt(string account, string client)
    {
        if (!entries.TryGetValue(Key(account), out var entry))
        {
            return RateDecision.Allow;
        }

        lock (entry)
        {
            if (entry.Knows(client))
            {
                return RateDecision.Allow;
            }

            var now = time.GetUtcNow();
            entry.Refill(now, burst, refillEvery);
            return entry.Tokens >= 1 ? RateDecision.Allow : new RateDecision(false, entry.UntilNextToken(now, refillEvery));
        }
    }

    public void Failed(string account, string client)
    {
        var now = time.GetUtcNow();
        if (GetOrAdd(Key(account), now) is not { } entry)
        {
            return;
        }

        lock (entry)
        {
            if (entry.Knows(client))
            {
                return;
            }

            entry.Refill(now, burst, refillEvery);
            entry.Tokens = Math.Max(0, entry.Tokens - 1);
        }
    }

    public void Succeeded(string account, string client)
    {
        var now = time.GetUtcNow();
        if (GetOrAdd(Key(account), now) is not { } entry)
        {
            return;
        }

        lock (entry)
        {
            entry.Remember(client);
        }
    }

    private static string Key(string account) => account.Trim().ToUpperInvariant();

    private Entry? GetOrAdd(string key, DateTimeOffset now)
    {
        if (entries.TryGetValue(key, out var existing))
        {
            return existing;
        }

        if (entries.Count >= maxEntries)
        {
            Trim(now);
            if (entries.Count >= maxEntries)
            {
                return null;
            }
        }

        return entries.GetOrAdd(key, static (_, state) => new Entry(state.burst, state.now), (burst, now));
    }

    private void Trim(DateTimeOffset now)
    {
        lock (trimLock)
        {
            if (entries.Count < maxEntries)
            {
                return;
            }

            // Full, never-succeeded buckets carry no state worth keeping; then the oldest tenth of the
            // rest that is not drained. A drained bucket is the throttle doing its job: never shed.
            var victims = entries.Where(pair => pair.Value.IsEvictable(now, burst, refillEvery))
                .OrderBy(pair => pair.Value.IsFullAndUnknown(burst) ? 0 : 1).ThenBy(pair => pair.Value.Updated)
                .Take(Math.Max(1, maxEntries / 10)).Select(pair => pair.Key).ToList();
            foreach (var key in victims)
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    private sealed class Entry(int burst, DateTimeOffset now)
    {
        private readonly Queue<string> known = new();

        public double Tokens = burst;

        public DateTimeOffset Updated = now;

        public bool Knows(string client) => known.Contains(client, StringComparer.Ordinal);

        public void Remember(string client)
        {
            if (Knows(client))
            {
                return;
            }

            if (known.Count >= KnownAddressesPerAccount)
            {
                known.Dequeue();
            }

            known.Enqueue(client);
        }

        public void Refill(DateTimeOffset at, int capacity, TimeSpan every)
        {
            if (at > Updated)
            {
                Tokens = Math.Min(capacity, Tokens + ((at - Updated) / every));
            }

            Updated = at;
        }

        public TimeSpan UntilNextToken(DateTimeOffset at, TimeSpan every) => (1 - Tokens) * every + (Updated - at);

        public bool IsFullAndUnknown(int capacity)
        {
            lock (this)
            {
                return known.Count == 0 && Tokens >= capacity;
            }
        }

        public bool IsEvictable(DateTimeOffset at, int capacity, TimeSpan every)
        {
            lock (this)
            {
                Refill(at, capacity, every);
                return Tokens >= 1;
            }
        }
    }
}
