using System.Reflection;
using System.Security.Cryptography;

namespace GuruConnect.Agent.Update;

/// <summary>
/// The release public key the updater trusts, compiled into the agent with
/// <c>-p:GuruConnectReleasePublicKey=…</c> (base64 DER SubjectPublicKeyInfo, docs/installers.md
/// "Building a release"). A build without one (every developer build) never updates itself.
/// </summary>
/// <param name="Spki">The key, or null when there is none.</param>
/// <param name="Problem">Why there is none, for the one log line that says updates are off.</param>
internal sealed record ReleaseKey(byte[]? Spki, string? Problem)
{
    public const string MetadataName = "GuruConnectReleasePublicKey";

    public bool IsPresent => Spki is not null;

    public static ReleaseKey FromAssembly(Assembly assembly) => Parse(assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == MetadataName)?.Value);

    public static ReleaseKey Parse(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return new ReleaseKey(null, "this build has no release public key (a development build; release builds pass -p:GuruConnectReleasePublicKey=…)");
        }

        try
        {
            var spki = Convert.FromBase64String(base64.Trim());
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out _);
            return key.KeySize == 256
                ? new ReleaseKey(spki, null)
                : new ReleaseKey(null, $"the compiled-in release key is a {key.KeySize}-bit EC key, not P-256");
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return new ReleaseKey(null, "the compiled-in release key is not a base64 DER ECDSA P-256 public key");
        }
    }
}
