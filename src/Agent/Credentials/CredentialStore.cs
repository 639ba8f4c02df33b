using System.Security.Cryptography;
using System.Text;
using GuruConnect.Agent.Platform;

namespace GuruConnect.Agent.Credentials;

/// <summary>
/// The machine's <c>cak_</c> key at <c>&lt;state&gt;/agent.cak</c>: "GCAK", a format byte, then
/// the protector's payload (the 5-byte header is authenticated as associated data).
/// </summary>
internal sealed class CredentialStore(string directory, ICredentialProtector protector)
{
    public const string FileName = "agent.cak";
    private static readonly byte[] Magic = "GCAK"u8.ToArray();

    public string Path { get; } = System.IO.Path.Combine(directory, FileName);

    /// <summary>Test hook: runs after the temp file is written, before it replaces the store.</summary>
    internal Action<string>? BeforeReplace { get; init; }

    public bool Exists => File.Exists(Path);

    /// <returns>The stored key, or null when none is stored.</returns>
    /// <exception cref="CredentialStoreUnreadableException">A store exists but cannot be used.</exception>
    public async Task<string?> LoadAsync(CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(Path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CredentialStoreUnreadableException(Path, "permission denied (the agent must run as root / LocalSystem)", ex);
        }
        catch (IOException ex)
        {
            throw new CredentialStoreUnreadableException(Path, "it could not be read (" + ex.Message + ")", ex);
        }

        if (content.Length <= Magic.Length + 1 || !content.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new CredentialStoreUnreadableException(Path, "the file is damaged or is not a GuruConnect credential", null);
        }

        var format = content[Magic.Length];
        if (format != protector.FormatId)
        {
            throw new CredentialStoreUnreadableException(Path, $"it was written in credential format {format}, this agent reads format {protector.FormatId}", null);
        }

        byte[] plaintext;
        try
        {
            plaintext = protector.Unprotect(content.AsSpan(Magic.Length + 1), content.AsSpan(0, Magic.Length + 1));
        }
        catch (CryptographicException ex)
        {
            throw new CredentialStoreUnreadableException(
                Path,
                "it does not decrypt on this machine (the hardware identity changed, the file was copied from another machine, or it is damaged)",
                ex);
        }

        try
        {
            var key = Encoding.UTF8.GetString(plaintext);
            return key.StartsWith("cak_", StringComparison.Ordinal)
                ? key
                : throw new CredentialStoreUnreadableException(Path, "the file is damaged or is not a GuruConnect credential", null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public async Task SaveAsync(string key, CancellationToken cancellationToken)
    {
        if (!key.StartsWith("cak_", StringComparison.Ordinal))
        {
            throw new ArgumentException("Only a machine key (cak_…) is stored here.", nameof(key));
        }

        SecureDirectory.Ensure(directory);
        var plaintext = Encoding.UTF8.GetBytes(key);
        try
        {
            var header = new byte[Magic.Length + 1];
            Magic.CopyTo(header, 0);
            header[^1] = protector.FormatId;
            var payload = protector.Protect(plaintext, header);
            await AtomicFile.WriteAsync(Path, (byte[])[.. header, .. payload], AtomicFile.OwnerReadWrite, cancellationToken, BeforeReplace);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public Task DeleteAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        File.Delete(Path);
        AtomicFile.DeleteStaleTemps(Path);
        return Task.CompletedTask;
    }
}
