using GuruConnect.Server.RateLimiting;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Auth;

/// <summary>
/// Login is limited per client (IPv6 by /64, <see cref="ClientBucket"/>) and throttled per account
/// (<see cref="AccountThrottle"/>); change-password per user (docs/security.md, rate limits).
/// </summary>
internal sealed class AuthRateLimiters(IOptions<AuthOptions> options, TimeProvider time)
{
    public KeyedRateLimiter Login { get; } = new(
        new RateLimitPolicy(
            options.Value.LoginAttemptsPerMinute, TimeSpan.FromMinutes(1),
            options.Value.LoginFailuresBeforeLockout, options.Value.LockoutDuration, options.Value.RateLimiterMaxEntries),
        time);

    public AccountThrottle Account { get; } = new(
        options.Value.AccountFailureBurst, options.Value.AccountFailureRefill, options.Value.RateLimiterMaxEntries, time);

    public KeyedRateLimiter ChangePassword { get; } = new(
        new RateLimitPolicy(
            options.Value.ChangePasswordAttemptsPerMinute, TimeSpan.FromMinutes(1),
            options.Value.ChangePasswordAttemptsPerMinute, options.Value.LockoutDuration, options.Value.RateLimiterMaxEntries),
        time);
}
