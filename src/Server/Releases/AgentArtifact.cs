namespace GuruConnect.Server.Releases;

/// <summary>
/// One agent build in the downloads folder, as served: never altered, only renamed on download.
/// <c>Sha256</c> is lowercase hex computed by the server from the bytes it serves; <c>Signature</c> is the
/// release signature (base64), null when the manifest is unsigned; <c>CodeSigned</c> is release.json's word
/// that the Windows build is Authenticode-signed (false in a dev run).
/// </summary>
internal sealed record AgentArtifact(
    AgentPlatform Platform, string Path, long Length, DateTimeOffset LastModified, string Sha256, string Version, string Channel,
    string? Signature, bool CodeSigned)
{
    /// <summary>A strong ETag: the bytes' SHA-256.</summary>
    public string ETag => $"\"{Sha256}\"";
}
