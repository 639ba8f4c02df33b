using GuruConnect.Server.RateLimiting;
using GuruConnect.Server.SupportCodes;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Installers;

/// <summary>Per-IP budget and lockout of the public installer-link route (docs/security.md #14: every public route is counted).</summary>
internal sealed class InstallerLinkGuard(IOptions<InstallerOptions> options, TimeProvider time)
{
    private readonly KeyedRateLimiter limiter = new(
        new RateLimitPolicy(options.Value.LinkDownloadsPerMinute, TimeSpan.FromMinutes(1), options.Value.LinkFailuresBeforeLockout,
            TimeSpan.FromMinutes(15), options.Value.RateLimiterMaxEntries),
        time);

    public RateDecision TryAcquire(string ip) => limiter.TryAcquire(SupportCodeGuard.KeyOf(ip));

    public void Failed(string ip) => limiter.RecordFailure(SupportCodeGuard.KeyOf(ip));
}
