using System.ComponentModel.DataAnnotations;

namespace GuruConnect.Server.Installers;

/// <summary>Configuration section <c>Installers</c>: how per-site installers are built and signed (docs/installers.md).</summary>
public sealed class InstallerOptions
{
    public const string Section = "Installers";

    /// <summary>The code-signing certificate (PFX) the MSI is signed with. Kept outside the repository.</summary>
    public string? SigningCertificate { get; set; }

    /// <summary>The PFX password, or <see cref="SigningPasswordFile"/> naming a file that holds it.</summary>
    public string? SigningPassword { get; set; }

    public string? SigningPasswordFile { get; set; }

    /// <summary>An RFC 3161 timestamp server for the MSI signature (optional).</summary>
    public string? TimestampUrl { get; set; }

    /// <summary>
    /// Build Windows installers without a signature. For tests and labs only: an unsigned MSI is what
    /// SmartScreen and WDAC block, which is the problem these installers exist to avoid.
    /// </summary>
    public bool AllowUnsignedForTesting { get; set; }

    /// <summary>The server URL written into agent.json. Default: the scheme and host the admin's request came to.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>How long a "Copy URL" installer link works.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Installer-link downloads per client IP per minute (the link is public: it is counted like other public routes).</summary>
    [Range(1, 100_000)]
    public int LinkDownloadsPerMinute { get; set; } = 10;

    /// <summary>Consecutive bad or expired links that lock a client IP out of the link route for 15 minutes.</summary>
    [Range(1, 100_000)]
    public int LinkFailuresBeforeLockout { get; set; } = 10;

    [Range(100, 10_000_000)]
    public int RateLimiterMaxEntries { get; set; } = 100_000;

    public string WixlPath { get; set; } = "wixl";

    public string OsslsigncodePath { get; set; } = "osslsigncode";

    /// <summary>How long one external tool (wixl, osslsigncode) may run.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:30:00")]
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
