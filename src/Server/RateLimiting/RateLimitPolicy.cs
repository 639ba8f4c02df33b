namespace GuruConnect.Server.RateLimiting;

/// <summary>
/// A fixed window of <see cref="PermitsPerWindow"/> requests per key, plus a lockout of
/// <see cref="Lockout"/> after <see cref="FailuresBeforeLockout"/> consecutive failures.
/// </summary>
internal sealed record RateLimitPolicy(int PermitsPerWindow, TimeSpan Window, int FailuresBeforeLockout, TimeSpan Lockout, int MaxEntries);
