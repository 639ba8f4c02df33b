using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace GuruConnect.Server.Enrollment;

/// <summary>
/// Remembers, for a short time, that a presented site key verified against a site's key version,
/// so a mass deployment (1 000 machines with the same key) pays one Argon2id verification, not
/// 1 000 (docs/performance.md §4). Entries are keyed by HMAC-SHA256 of the presented key under a per-process
/// random secret (the map never holds the key or a plain hash of it), bound to the site id and key
/// version, expire after <see cref="Lifetime"/>, and are dropped when the site's key rotates.
/// Only successful verifications are stored: a wrong key never hits and always pays the full KDF,
/// so the cache adds no timing signal for guesses.
/// Concurrent first uses of one key share a single verification (single flight): 1 000 machines
/// arriving together before the first verify finishes would otherwise all miss the cache. A waiter
/// whose shared verification failed runs its own full verification, so every wrong key still pays.
/// </summary>
internal sealed class VerifiedKeyCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const int MaxEntries = 10_000;

    private readonly byte[] secret = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<bool>>> inFlight = new(StringComparer.Ordinal);

    public int Count => entries.Count;

    public bool IsVerified(string presentedKey, Guid siteId, int version)
    {
        if (!entries.TryGetValue(Tag(presentedKey), out var entry))
        {
            return false;
        }

        if (entry.SiteId != siteId || entry.Version != version || time.GetUtcNow() >= entry.ExpiresAt)
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// True when <paramref name="presentedKey"/> is the site's key version: from the cache, from a
    /// verification already running for the same key, or by running <paramref name="verify"/>.
    /// </summary>
    public async Task<bool> VerifyAsync(string presentedKey, Guid siteId, int version, Func<Task<bool>> verify)
    {
        if (IsVerified(presentedKey, siteId, version))
        {
            return true;
        }

        var flightKey = $"{Tag(presentedKey)}|{siteId:N}|{version}";
        var mine = new Lazy<Task<bool>>(() => LeadAsync(flightKey, presentedKey, siteId, version, verify));
        var flight = inFlight.GetOrAdd(flightKey, mine);
        if (ReferenceEquals(flight, mine))
        {
            return await flight.Value;
        }

        // A waiter: share a success; after a failure pay a full verification of its own.
        return await flight.Value || await verify();
    }

    private async Task<bool> LeadAsync(string flightKey, string presentedKey, Guid siteId, int version, Func<Task<bool>> verify)
    {
        try
        {
            var verified = await verify();
            if (verified)
            {
                Remember(presentedKey, siteId, version);
            }

            return verified;
        }
        finally
        {
            inFlight.TryRemove(flightKey, out _);
        }
    }

    public void Remember(string presentedKey, Guid siteId, int version)
    {
        if (entries.Count >= MaxEntries)
        {
            var now = time.GetUtcNow();
            foreach (var (tag, entry) in entries)
            {
                if (entry.ExpiresAt <= now)
                {
                    entries.TryRemove(tag, out _);
                }
            }

            if (entries.Count >= MaxEntries)
            {
                entries.Clear();
            }
        }

        entries[Tag(presentedKey)] = new Entry(siteId, version, time.GetUtcNow() + Lifetime);
    }

    /// <summary>Drops every entry of a site (called on rotation).</summary>
    public void Invalidate(Guid siteId)
    {
        foreach (var (tag, entry) in entries)
        {
            if (entry.SiteId == siteId)
            {
                entries.TryRemove(tag, out _);
            }
        }
    }

    private string Tag(string presentedKey) =>
        Convert.ToHexString(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(presentedKey)));

    private sealed record Entry(Guid SiteId, int Version, DateTimeOffset ExpiresAt);
}
