using System.ComponentModel.DataAnnotations;

namespace GuruConnect.Server.Auth;

/// <summary>Configuration section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>HS256 signing secret (≥ 32 bytes). Empty in the embedded default: one is generated in the data folder.</summary>
    public string? JwtSecret { get; set; }

    /// <summary>Lifetime of login tokens (docs/api.md "Authentication": 24 h).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan LoginTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Login attempts allowed per client IP per minute.</summary>
    [Range(1, 10_000)]
    public int LoginAttemptsPerMinute { get; set; } = 10;

    /// <summary>Consecutive failed logins from one IP that lock it out.</summary>
    [Range(1, 10_000)]
    public int LoginFailuresBeforeLockout { get; set; } = 10;

    /// <summary>How long a locked-out IP (login) or user (change-password) waits.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Change-password attempts per user per minute; the same number of failures locks it.</summary>
    [Range(1, 1000)]
    public int ChangePasswordAttemptsPerMinute { get; set; } = 5;

    /// <summary>
    /// Per-account login throttle (docs/security.md): failures from addresses the account has never
    /// logged in from that one account name absorbs before such addresses wait for a refill.
    /// </summary>
    [Range(1, 100_000)]
    public int AccountFailureBurst { get; set; } = 20;

    /// <summary>One more failure allowed per account name every this long once the burst is spent.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AccountFailureRefill { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound on tracked limiter keys, so rotating source addresses cannot grow memory without bound.</summary>
    [Range(100, 10_000_000)]
    public int RateLimiterMaxEntries { get; set; } = 100_000;
}
