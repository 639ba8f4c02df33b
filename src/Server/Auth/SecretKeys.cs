using System.Security.Cryptography;
using System.Text;

namespace GuruConnect.Server.Auth;

/// <summary>
/// High-entropy secrets with a type prefix (docs/security.md "Credentials"): <c>gcp_</c> personal API
/// tokens, <c>cak_</c> machine keys, <c>cek_</c> site enrollment keys — each 32 CSPRNG bytes as
/// 64 lowercase hex. The prefix lets a leaked secret be recognised and routed to the right check.
/// </summary>
internal static class SecretKeys
{
    public const string PersonalTokenPrefix = "gcp_";
    public const string MachineKeyPrefix = "cak_";
    public const string EnrollmentKeyPrefix = "cek_";

    public static string Generate(string prefix) =>
        prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>True for <c>prefix</c> + exactly 64 lowercase hex characters.</summary>
    public static bool HasShape(string? value, string prefix)
    {
        if (value is null || value.Length != prefix.Length + 64 || !value.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in value.AsSpan(prefix.Length))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>SHA-256 as lowercase hex: how <c>gcp_</c> and <c>cak_</c> secrets are stored and looked up.</summary>
    public static string Sha256Hex(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
