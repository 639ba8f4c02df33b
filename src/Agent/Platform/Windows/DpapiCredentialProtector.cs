using System.Runtime.Versioning;
using System.Security.Cryptography;
using GuruConnect.Agent.Credentials;

namespace GuruConnect.Agent.Platform.Windows;

/// <summary>
/// DPAPI, machine scope (docs/agent.md): the LocalSystem service can read it, a copy taken to another
/// machine cannot. The folder ACL (SYSTEM + Administrators) keeps other local users out, since
/// machine scope alone lets any local account decrypt.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class DpapiCredentialProtector : ICredentialProtector
{
    public const byte Format = 2;

    public byte FormatId => Format;

    public byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        ProtectedData.Protect(plaintext.ToArray(), associatedData.ToArray(), DataProtectionScope.LocalMachine);

    public byte[] Unprotect(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> associatedData) =>
        ProtectedData.Unprotect(payload.ToArray(), associatedData.ToArray(), DataProtectionScope.LocalMachine);
}
