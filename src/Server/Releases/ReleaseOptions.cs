using System.ComponentModel.DataAnnotations;

namespace GuruConnect.Server.Releases;

/// <summary>Configuration section <c>Releases</c>: where the agent builds this server hands out live, and how they are signed.</summary>
public sealed class ReleaseOptions
{
    public const string Section = "Releases";

    /// <summary>
    /// The downloads folder (docs/installers.md "Downloads folder"): <c>linux-x64/guruconnect-agent</c>,
    /// <c>win-x64/guruconnect-agent.exe</c> and an optional <c>release.json</c>. Default: <c>downloads</c>
    /// in the data folder, which <c>scripts/run.sh</c> fills in a dev run.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>The channel these builds belong to: <c>stable</c> or <c>beta</c>.</summary>
    [RegularExpression("^(stable|beta)$")]
    public string Channel { get; set; } = "stable";

    /// <summary>
    /// An ECDSA P-256 private key (PEM) kept outside the repository. When set, builds that
    /// <c>release.json</c> does not sign are signed with it when served; normally the packaging step
    /// signs offline and this stays unset.
    /// </summary>
    public string? SigningKeyPath { get; set; }
}
