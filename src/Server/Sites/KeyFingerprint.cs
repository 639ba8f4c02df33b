using System.Security.Cryptography;
using System.Text;

namespace GuruConnect.Server.Sites;

/// <summary>First 4 hex chars of SHA-256(plaintext key), uppercase; label <c>v{version} ({fp})</c> (spec 01).</summary>
internal static class KeyFingerprint
{
    public static string Of(string plaintextKey) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(plaintextKey)))[..4];

    public static string Label(int version, string fingerprint) => $"v{version} ({fingerprint})";
}
