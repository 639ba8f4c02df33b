using System.Security.Cryptography;
using GuruConnect.Protocol;

namespace GuruConnect.Server.Tests.Releases;

/// <summary>
/// A throwaway downloads folder laid out as packaging/publish-agents.sh lays it out, with stand-in agent
/// bytes (the server never looks inside them), and a throwaway release signing key.
/// </summary>
internal sealed class DownloadsFolder : IDisposable
{
    public DownloadsFolder(int size = 300_000)
    {
        Directory.CreateDirectory(Path.Combine(Root, "win-x64"));
        Directory.CreateDirectory(Path.Combine(Root, "linux-x64"));
        Windows = RandomNumberGenerator.GetBytes(size);
        Linux = RandomNumberGenerator.GetBytes(size + 1);
        File.WriteAllBytes(Path.Combine(Root, "win-x64", "guruconnect-agent.exe"), Windows);
        File.WriteAllBytes(Path.Combine(Root, "linux-x64", "guruconnect-agent"), Linux);
        File.WriteAllText(KeyPath, SigningKey.ExportPkcs8PrivateKeyPem());
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("gc-downloads-").FullName;

    public byte[] Windows { get; }

    public byte[] Linux { get; }

    public ECDsa SigningKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] PublicKey => SigningKey.ExportSubjectPublicKeyInfo();

    public string KeyPath => Path.Combine(Root, "..", Path.GetFileName(Root) + ".release-key.pem");

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Server settings that serve this folder and sign manifests with this key.</summary>
    public string[] Settings(params string[] more) =>
        [$"--Releases:Directory={Root}", $"--Releases:SigningKeyPath={KeyPath}", .. more];

    /// <summary>release.json as packaging/release-manifest.sh writes it, signed with <paramref name="key"/>.</summary>
    public void WriteManifest(string version, bool codeSigned, ECDsa? key = null)
    {
        var platforms = new Dictionary<string, object>
        {
            ["win-x64"] = Entry("win-x64/guruconnect-agent.exe", Windows, "win-x64"),
            ["linux-x64"] = Entry("linux-x64/guruconnect-agent", Linux, "linux-x64"),
        };
        File.WriteAllText(Path.Combine(Root, "release.json"), JsonSerializer.Serialize(new { version, channel = "stable", signed = codeSigned, platforms }));

        object Entry(string file, byte[] bytes, string platform) => new
        {
            file,
            sha256 = Sha256(bytes),
            signature = key is null ? null : ReleaseSignature.Sign(key, version, platform, Sha256(bytes)),
        };
    }

    public void Dispose()
    {
        SigningKey.Dispose();
        File.Delete(KeyPath);
        Directory.Delete(Root, recursive: true);
    }
}
