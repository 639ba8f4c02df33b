using System.Text.Json.Serialization;

namespace GuruConnect.Server.Releases;

/// <summary><c>release.json</c> as <c>packaging/release-manifest.sh</c> writes it.</summary>
internal sealed record ReleaseManifestFile(
    string? Version, string? Channel, bool Signed, Dictionary<string, ReleaseManifestEntry>? Platforms);

internal sealed record ReleaseManifestEntry(string? File, string? Sha256, string? Signature);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(ReleaseManifestFile))]
internal sealed partial class ReleaseJsonContext : JsonSerializerContext;
