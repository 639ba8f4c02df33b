using System.Reflection;
using System.Runtime.InteropServices;

namespace GuruConnect.Server.Auth;

/// <summary>
/// The few libsodium calls we need (Argon2id in PHC string form). No managed Argon2 package is
/// installable here (shared/STACK.md), so this is P/Invoke against Debian's <c>libsodium23</c>.
/// </summary>
internal static partial class Sodium
{
    private const string Library = "sodium";

    // crypto_pwhash_STRBYTES
    public const int HashStringBytes = 128;

    // crypto_pwhash_ALG_ARGON2ID13
    public const int AlgArgon2id13 = 2;

    static Sodium() => NativeLibrary.SetDllImportResolver(typeof(Sodium).Assembly, Resolve);

    public static void EnsureLoaded()
    {
        try
        {
            if (sodium_init() < 0)
            {
                throw new InvalidOperationException("libsodium failed to initialise.");
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new InvalidOperationException(
                "libsodium is missing: GuruConnect hashes passwords and enrollment keys with Argon2id from libsodium. " +
                "Install it with `sudo apt-get install -y libsodium23` (Debian/Ubuntu) or `dnf install libsodium` (Fedora/RHEL), then start again.",
                ex);
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != Library)
        {
            return IntPtr.Zero;
        }

        // Debian's runtime package ships only the versioned soname (libsodium.so.23).
        foreach (var candidate in new[] { "libsodium.so.23", "libsodium.so.26", "libsodium.so", "libsodium.dylib", "libsodium.dll", "libsodium" })
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    internal static partial int crypto_pwhash_str_alg(
        Span<byte> output, ReadOnlySpan<byte> password, ulong passwordLength, ulong opsLimit, nuint memLimit, int algorithm);

    [LibraryImport(Library)]
    internal static partial int crypto_pwhash_str_verify(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> password, ulong passwordLength);
}
