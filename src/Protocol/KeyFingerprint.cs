using System.Security.Cryptography;
using System.Text;

namespace GuruConnect.Protocol;

/// <summary>
/// What logs, messages and the console show instead of a key: the first 4 hex characters of SHA-256 of
/// the plaintext, uppercase, labelled <c>v{version} ({fp})</c> for enrollment keys (docs/api.md). One
/// definition for the server and the agent, so the fingerprint an installer carries is the one the
/// console shows.
/// </summary>
public static class KeyFingerprint
{
    public static string Of(string plaintextKey) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(plaintextKey)))[..4];

    public static string Label(int version, string fingerprint) => $"v{version} ({fingerprint})";
}
