using System.Security.Cryptography;
using System.Text;

namespace GuruConnect.Protocol;

/// <summary>
/// The signed part of a release manifest (docs/installers.md "Release manifest"): ECDSA P-256 with
/// SHA-256, DER-encoded as <c>openssl dgst -sha256 -sign</c> writes it, over
/// <c>guruconnect-release-v1\n{version}\n{platform}\n{sha256}\n</c>. One definition for the packaging
/// script, the server that serves it and the agent's updater that checks it. The download URL is not
/// signed (it depends on the server's address); the SHA-256 binds the bytes.
/// </summary>
public static class ReleaseSignature
{
    public static byte[] Payload(string version, string platform, string sha256Hex) =>
        Encoding.UTF8.GetBytes($"guruconnect-release-v1\n{version}\n{platform}\n{sha256Hex.ToLowerInvariant()}\n");

    /// <returns>Base64 of the DER signature.</returns>
    public static string Sign(ECDsa privateKey, string version, string platform, string sha256Hex) =>
        Convert.ToBase64String(privateKey.SignData(Payload(version, platform, sha256Hex), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    /// <summary>False for a wrong key, a wrong field, a malformed signature or a key that is not P-256.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKeySpki, string version, string platform, string sha256Hex, string? signatureBase64)
    {
        if (string.IsNullOrEmpty(signatureBase64) || publicKeySpki.IsEmpty)
        {
            return false;
        }

        var signature = new byte[signatureBase64.Length];
        if (!Convert.TryFromBase64String(signatureBase64, signature, out var length))
        {
            return false;
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(publicKeySpki, out _);
            if (key.KeySize != 256)
            {
                return false;
            }

            return key.VerifyData(Payload(version, platform, sha256Hex), signature.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
