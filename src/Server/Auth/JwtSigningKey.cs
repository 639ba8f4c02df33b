using System.Text;
using GuruConnect.Server.Data;
using Microsoft.IdentityModel.Tokens;

namespace GuruConnect.Server.Auth;

/// <summary>
/// The HS256 key for login and viewer tokens. A configured <c>Auth:JwtSecret</c> must be at least
/// 32 bytes or start-up stops; without one (embedded default) a random secret is generated once
/// and kept in the data folder (mode 0600), so tokens survive restarts.
/// </summary>
internal sealed class JwtSigningKey
{
    public const int MinimumSecretBytes = 32;

    private JwtSigningKey(byte[] secret) => Key = new SymmetricSecurityKey(secret) { KeyId = "gc1" };

    public SymmetricSecurityKey Key { get; }

    public static JwtSigningKey Resolve(string? configuredSecret, ServerPaths paths)
    {
        if (!string.IsNullOrEmpty(configuredSecret))
        {
            var bytes = Encoding.UTF8.GetBytes(configuredSecret);
            if (bytes.Length < MinimumSecretBytes)
            {
                throw new InvalidOperationException(
                    $"Auth:JwtSecret is {bytes.Length} bytes; it must be at least {MinimumSecretBytes}. " +
                    "Generate one with `openssl rand -base64 48`, or remove the setting to let the server generate and keep one in its data folder.");
            }

            return new JwtSigningKey(bytes);
        }

        paths.EnsureCreated();
        var file = paths.JwtSecretFile;
        if (!File.Exists(file))
        {
            var generated = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
            var temp = file + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(generated);
            }

            // Two servers starting on one data folder: the first rename wins, the other reads its secret.
            try
            {
                File.Move(temp, file, overwrite: false);
            }
            catch (IOException) when (File.Exists(file))
            {
                File.Delete(temp);
            }
        }

        var stored = File.ReadAllText(file).Trim();
        if (Encoding.UTF8.GetByteCount(stored) < MinimumSecretBytes)
        {
            throw new InvalidOperationException($"The JWT secret in {file} is too short; delete the file to generate a new one (all users must log in again).");
        }

        return new JwtSigningKey(Encoding.UTF8.GetBytes(stored));
    }
}
