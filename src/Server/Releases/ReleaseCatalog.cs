using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using GuruConnect.Protocol;
using GuruConnect.Server.Data;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Releases;

/// <summary>
/// The agent builds in the downloads folder: version, SHA-256 (computed here, from the bytes served) and
/// release signature. A file is hashed once per (length, write time), so replacing a build in place is
/// picked up without a restart and a steady state costs one stat per request.
/// </summary>
internal sealed partial class ReleaseCatalog(IOptions<ReleaseOptions> options, IConfiguration configuration, ILogger<ReleaseCatalog> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, AgentArtifact> hashed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim hashing = new(1, 1);
    private readonly Lazy<ECDsa?> signingKey = new(() => LoadSigningKey(options.Value.SigningKeyPath));
    private int warnedUnsigned;

    /// <summary>The version this server was built as (Directory.Build.props), used when no release.json says otherwise.</summary>
    public static string ServerVersion { get; } = ReadServerVersion();

    public string Directory { get; } = Path.GetFullPath(options.Value.Directory is { Length: > 0 } configured
        ? configured
        : Path.Combine(ServerPaths.FromConfiguration(configuration).DataDirectory, "downloads"));

    public string Channel => options.Value.Channel;

    /// <summary>The build for <paramref name="platform"/>, or null when the folder has none.</summary>
    public async Task<AgentArtifact?> FindAsync(AgentPlatform platform, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory, platform.Id, platform.FileName);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        if (hashed.TryGetValue(platform.Id, out var known) && known.Length == info.Length && known.LastModified == info.LastWriteTimeUtc)
        {
            return known;
        }

        await hashing.WaitAsync(cancellationToken);
        try
        {
            info.Refresh();
            if (!info.Exists)
            {
                return null;
            }

            string sha;
            await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous))
            {
                sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            }

            var manifest = ReadManifest();
            var version = manifest?.Version is { Length: > 0 } v ? v : ServerVersion;
            var entry = manifest?.Platforms?.GetValueOrDefault(platform.Id);
            // A signature in release.json is only believed for the bytes it was made for.
            var signature = entry?.Sha256 is { } signedSha && string.Equals(signedSha, sha, StringComparison.OrdinalIgnoreCase) ? entry.Signature : null;
            if (signature is null && signingKey.Value is { } key)
            {
                signature = ReleaseSignature.Sign(key, version, platform.Id, sha);
            }

            var codeSigned = manifest?.Signed == true && entry?.Sha256 is { } s && string.Equals(s, sha, StringComparison.OrdinalIgnoreCase);
            if (platform.IsWindows && !codeSigned && Interlocked.Exchange(ref warnedUnsigned, 1) == 0)
            {
                LogUnsignedBuild(logger, path);
            }

            var artifact = new AgentArtifact(platform, path, info.Length, info.LastWriteTimeUtc, sha, version,
                manifest?.Channel is { Length: > 0 } c ? c : Channel, signature, codeSigned);
            hashed[platform.Id] = artifact;
            return artifact;
        }
        finally
        {
            hashing.Release();
        }
    }

    public async Task<IReadOnlyList<AgentArtifact>> ListAsync(CancellationToken cancellationToken)
    {
        var found = new List<AgentArtifact>();
        foreach (var platform in AgentPlatform.All)
        {
            if (await FindAsync(platform, cancellationToken) is { } artifact)
            {
                found.Add(artifact);
            }
        }

        return found;
    }

    private ReleaseManifestFile? ReadManifest()
    {
        var path = Path.Combine(Directory, "release.json");
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), ReleaseJsonContext.Default.ReleaseManifestFile) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            LogBadManifest(logger, path, ex.Message);
            return null;
        }
    }

    public void Dispose()
    {
        hashing.Dispose();
        if (signingKey.IsValueCreated)
        {
            signingKey.Value?.Dispose();
        }
    }

    private static ECDsa? LoadSigningKey(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"Releases:SigningKeyPath={path} is not a readable ECDSA P-256 private key in PEM ({ex.Message}).", ex);
        }

        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidOperationException($"Releases:SigningKeyPath={path} must be an ECDSA P-256 key.");
        }

        return key;
    }

    private static string ReadServerVersion()
    {
        var informational = typeof(ReleaseCatalog).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Serving a Windows agent that is not code-signed ({Path}): a dev build. Release builds come from scripts/package.sh with a certificate.")]
    private static partial void LogUnsignedBuild(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring {Path}: {Reason}")]
    private static partial void LogBadManifest(ILogger logger, string path, string reason);
}
