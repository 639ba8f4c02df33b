namespace GuruConnect.Server.Releases;

/// <summary><c>GET /api/version</c>: the current agent for a platform and channel; the agent's updater verifies <see cref="Signature"/> and <see cref="Sha256"/>.</summary>
public sealed record VersionResponse(string Version, string Channel, string Platform, string DownloadUrl, string Sha256, string? Signature);

/// <summary>
/// One build in <c>GET /api/releases</c>. <c>CodeSigned</c>: Authenticode-signed (Windows), false for a dev
/// build; <c>ManifestSigned</c>: carries a release signature the updater accepts.
/// </summary>
public sealed record ReleaseResponse(
    string Version, string Channel, string Platform, string Sha256, long Size, bool CodeSigned, bool ManifestSigned, DateTimeOffset PublishedAt, string DownloadUrl);

/// <summary>A section of CHANGELOG.md: <c>Unreleased</c> or a version, with its groups (Features, Fixes, …).</summary>
public sealed record ChangelogEntry(string Version, string? Date, IReadOnlyDictionary<string, IReadOnlyList<string>> Changes, string Markdown);
