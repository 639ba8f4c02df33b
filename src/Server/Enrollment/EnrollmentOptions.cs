using System.ComponentModel.DataAnnotations;

namespace GuruConnect.Server.Enrollment;

/// <summary>Configuration section <c>Enrollment</c> (defaults are the numbers of docs/api.md "Enrollment").</summary>
public sealed class EnrollmentOptions
{
    public const string Section = "Enrollment";

    /// <summary>Requests per (site code, client IP) per window.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerWindow { get; set; } = 60;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Consecutive failures that lock a (site code, client IP) pair.</summary>
    [Range(1, 1_000_000)]
    public int FailuresBeforeLockout { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    [Range(100, 10_000_000)]
    public int RateLimiterMaxEntries { get; set; } = 100_000;

    /// <summary>Use the verified-key cache for bursts (on by default; off only to measure it).</summary>
    public bool VerifiedKeyCache { get; set; } = true;
}
