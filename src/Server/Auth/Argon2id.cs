using System.Text;

namespace GuruConnect.Server.Auth;

/// <summary>
/// Argon2id hashing for passwords and site enrollment keys (m=19456 KiB, t=2, p=1, 16-byte salt,
/// PHC string). Each call costs ~19 MiB and tens of milliseconds, so concurrent calls are gated
/// to the core count: a burst of logins or enrollments queues instead of exhausting memory.
/// </summary>
internal sealed class Argon2id : IDisposable
{
    private const ulong OpsLimit = 2;
    private const nuint MemLimitBytes = 19456 * 1024;

    private readonly SemaphoreSlim gate = new(Math.Max(1, Environment.ProcessorCount));
    private readonly string dummyHash;
    private long verifications;

    public Argon2id()
    {
        Sodium.EnsureLoaded();
        // A real hash of a random secret: verifying against it costs exactly what a real verify costs.
        dummyHash = HashCore(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
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

    /// <summary>Pays one full verification and returns false: for unknown users and sites (spec 05 #12, #13).</summary>
    public async Task<bool> VerifyDummyAsync(string secret, CancellationToken cancellationToken)
    {
        _ = await VerifyAsync(dummyHash, secret, cancellationToken);
        return false;
    }

    public void Dispose() => gate.Dispose();

    private static string HashCore(string secret)
    {
        var password = Encoding.UTF8.GetBytes(secret);
        Span<byte> output = stackalloc byte[Sodium.HashStringBytes];
        if (Sodium.crypto_pwhash_str_alg(output, password, (ulong)password.Length, OpsLimit, MemLimitBytes, Sodium.AlgArgon2id13) != 0)
        {
            throw new InvalidOperationException("Argon2id hashing failed (out of memory?).");
        }

        return Encoding.ASCII.GetString(output[..output.IndexOf((byte)0)]);
    }

    private static bool VerifyCore(string hash, string secret)
    {
        var password = Encoding.UTF8.GetBytes(secret);
        var hashBytes = new byte[Encoding.ASCII.GetByteCount(hash) + 1];
        Encoding.ASCII.GetBytes(hash, hashBytes);
        return Sodium.crypto_pwhash_str_verify(hashBytes, password, (ulong)password.Length) == 0;
    }
}
