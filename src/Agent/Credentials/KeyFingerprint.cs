using System.Security.Cryptography;
using System.Text;

namespace GuruConnect.Agent.Credentials;

/// <summary>
/// What logs and messages show instead of a key: the first 4 hex characters of SHA-256 of the
/// plaintext, uppercase — the same fingerprint the server shows for enrollment keys (spec 01).
/// </summary>
internal static class KeyFingerprint
{
    public static string Of(string key) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..4];
}
