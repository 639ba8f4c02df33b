using System.Security.Cryptography;
using System.Text;
using GuruConnect.Agent.Identity;

namespace GuruConnect.Agent.Credentials;

/// <summary>
/// AES-256-GCM under HKDF-SHA256(ikm = the identity signals and the uid, salt
/// "guruconnect-credential-v1", info "agent.cak"). The file is also mode 0600 under a 0700
/// folder; the encryption is what makes a copied file useless on other hardware.
/// Payload: nonce (12) ‖ tag (16) ‖ ciphertext.
/// </summary>
internal sealed class IdentityKeyedProtector(MachineIdentity identity) : ICredentialProtector
{
    public const byte Format = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Salt = "guruconnect-credential-v1"u8.ToArray();
    private static readonly byte[] Info = "agent.cak"u8.ToArray();

    public byte FormatId => Format;

    public byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var payload = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = payload.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(DeriveKey(), TagSize);
        aes.Encrypt(nonce, plaintext, payload.AsSpan(NonceSize + TagSize), payload.AsSpan(NonceSize, TagSize), associatedData);
        return payload;
    }

    public byte[] Unprotect(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> associatedData)
    {
        if (payload.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The credential payload is truncated.");
        }

        var plaintext = new byte[payload.Length - NonceSize - TagSize];
        using var aes = new AesGcm(DeriveKey(), TagSize);
        aes.Decrypt(payload[..NonceSize], payload[(NonceSize + TagSize)..], payload.Slice(NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }

    private byte[] DeriveKey()
    {
        var ikm = Encoding.UTF8.GetBytes(string.Join('\n', identity.Signals) + "\n" + identity.Uid);
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, outputLength: 32, Salt, Info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }
}
