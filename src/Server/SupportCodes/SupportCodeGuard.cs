using GuruConnect.Server.RateLimiting;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.SupportCodes;

/// <summary>
/// Brute-force guard for the 6-digit space (docs/security.md §14): one per-IP budget and failure streak shared by
/// <c>GET /api/codes/{code}/validate</c> and <c>/ws/agent?supportCode=</c>, so neither route is a way
/// around the other's lockout. 10 wrong codes lock the IP for 15 minutes. An IPv6 client is counted by
/// its /64 (one subscriber's whole prefix), so rotating addresses inside it buys no extra guesses; and
/// only a code actually used ends a failure streak — checking a live code one holds does not reset it.
/// </summary>
internal sealed class SupportCodeGuard(IOptions<SupportCodeOptions> options, TimeProvider time)
{
    private readonly KeyedRateLimiter limiter = new(
        new RateLimitPolicy(
            options.Value.ChecksPerMinute, TimeSpan.FromMinutes(1),
            options.Value.FailuresBeforeLockout, options.Value.Lockout, options.Value.RateLimiterMaxEntries),
        time);

    /// <summary>Entries held (tests check the cap).</summary>
    public int Count => limiter.Count;

    /// <summary>Counts one check from <paramref name="ip"/>; refused while locked out or over the minute's budget.</summary>
    public RateDecision TryCheck(string ip) => limiter.TryAcquire(KeyOf(ip));

    /// <summary>A wrong, expired, used or cancelled code: one more in the streak.</summary>
    public void Failed(string ip) => limiter.RecordFailure(KeyOf(ip));

    /// <summary>A code was used to start a session: the streak ends.</summary>
    public void Used(string ip) => limiter.RecordSuccess(KeyOf(ip));

    /// <summary>The bucket of a client address: IPv4 as is, IPv6 by its /64.</summary>
    public static string KeyOf(string ip) => ClientBucket.Of(ip);

    /// <summary>The shape of a code (6 ASCII digits); anything else is a wrong code without a database trip.</summary>
    public static bool IsWellFormed(string? code) => code is { Length: 6 } && code.All(char.IsAsciiDigit);
}
