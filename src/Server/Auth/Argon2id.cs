using System.Security.Cryptography;
using System.Text;

namespace GuruConnect.Server.Auth;

/// <summary>
/// Argon2id hashing for passwords and site enrollment keys (m=19456 KiB, t=2, p=1, 16-byte salt,
/// PHC string), through Geralt: libsodium with its natives for linux-x64 and win-x64 inside the
/// package. Hashes written by the earlier P/Invoke implementation verify unchanged
/// (tests/Server.Tests/Auth/Argon2FixtureTests.cs). Each call costs ~19 MiB and tens of
/// milliseconds, so concurrent calls are gated to the core count: a burst of logins or
/// enrollments queues instead of exhausting memory.
/// </summary>
internal sealed class Argon2id : IDisposable
{
    private const int Iterations = 2;
    private const int MemorySizeBytes = 19456 * 1024;

    private readonly SemaphoreSlim gate = new(Math.Max(1, Environment.ProcessorCount));
    private readonly string dummyHash;
    private long verifications;

    public Argon2id()
    {
        // A real hash of a random secret: verifying against it costs exactly what a real verify costs.
        dummyHash = HashCore(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
    }

    /// <summary>Number of verifications performed since start (the enrollment benchmark reports it).</summary>
    public long Verifications => Interlocked.Read(ref verifications);

    public async Task<string> HashAsync(string secret, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return HashCore(secret);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<bool> VerifyAsync(string hash, string secret, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            Interlocked.Increment(ref verifications);
            return VerifyCore(hash, secret);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Pays one full verification and returns false: for unknown users and sites (docs/security.md §12, §13).</summary>
    public async Task<bool> VerifyDummyAsync(string secret, CancellationToken cancellationToken)
    {
        _ = await VerifyAsync(dummyHash, secret, cancellationToken);
        return false;
    }

    public void Dispose() => gate.Dispose();

    private static string HashCore(string secret)
    {
        Span<char> output = stackalloc char[Geralt.Argon2id.HashSize];
        Geralt.Argon2id.ComputeHash(output, Encoding.UTF8.GetBytes(secret), Iterations, MemorySizeBytes);
        // libsodium writes a NUL-terminated string into the fixed-size buffer.
        var end = output.IndexOf('\0');
        return new string(end < 0 ? output : output[..end]);
    }

    private static bool VerifyCore(string hash, string secret)
    {
        try
        {
            return Geralt.Argon2id.VerifyHash(hash, Encoding.UTF8.GetBytes(secret));
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            // A stored value that is not a PHC string at all (wrong length or prefix) is a failed verify.
            return false;
        }
    }
}
