using System.ComponentModel.DataAnnotations;

namespace GuruConnect.Server.SupportCodes;

/// <summary>Configuration section <c>SupportCodes</c> (defaults are the numbers of docs/api.md "Attended support codes").</summary>
public sealed class SupportCodeOptions
{
    public const string Section = "SupportCodes";

    /// <summary>How long a new code may start a session (docs/security.md: 30 min).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Code checks (validate and <c>/ws/agent?supportCode=</c>) per client IP per minute. No higher than the
    /// lockout's 10: a burst of parallel guesses lands before any of them is counted as a failure, so this
    /// window is what bounds it. A person checks a code once or twice.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ChecksPerMinute { get; set; } = 10;

    /// <summary>Consecutive wrong codes that lock a client IP (docs/security.md §14: 10).</summary>
    [Range(1, 1_000_000)]
    public int FailuresBeforeLockout { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    [Range(100, 10_000_000)]
    public int RateLimiterMaxEntries { get; set; } = 100_000;

    /// <summary>
    /// Live (unused) codes one user may hold. Every live code is one more guess that hits, so a runaway
    /// script must not be able to fill the 6-digit space.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxLiveCodesPerUser { get; set; } = 25;
}
