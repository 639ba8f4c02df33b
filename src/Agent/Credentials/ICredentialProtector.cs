namespace GuruConnect.Agent.Credentials;

/// <summary>
/// Encrypts the <c>cak_</c> key at rest so that a copy of the file is inert on another machine
/// (docs/agent.md "Credential store"). Linux: AES-GCM under an identity-derived key; Windows: DPAPI.
/// </summary>
internal interface ICredentialProtector
{
    /// <summary>Written after the file magic, so a store written by one protector is never fed to another.</summary>
    byte FormatId { get; }

    byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData);

    /// <exception cref="System.Security.Cryptography.CryptographicException">The payload does not decrypt here.</exception>
    byte[] Unprotect(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> associatedData);
}
