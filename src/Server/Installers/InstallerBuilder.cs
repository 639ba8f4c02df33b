using System.Security.Cryptography;
using GuruConnect.Server.Releases;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Installers;

/// <summary>Builds one site installer into a temporary file (deleted when the response has been sent).</summary>
internal sealed partial class InstallerBuilder(
    ReleaseCatalog catalog, MsiInstaller msi, DebInstaller deb, CodeSigner signer, IOptions<InstallerOptions> options, ILogger<InstallerBuilder> logger)
    : IDisposable
{
    public static readonly string[] Formats = ["msi", "deb", "sh"];

    // Each build copies or compresses a whole agent: two at a time keep a burst from starving the relay.
    private readonly SemaphoreSlim builds = new(2, 2);

    public static AgentPlatform PlatformOf(string format) => format == "msi" ? AgentPlatform.WinX64 : AgentPlatform.LinuxX64;

    /// <summary>Why <paramref name="format"/> cannot be built on this server right now, or null.</summary>
    public string? RefusalFor(string format) =>
        format == "msi" && !signer.IsConfigured && !options.Value.AllowUnsignedForTesting
            ? "This server has no code-signing certificate, so it will not build a Windows installer: an unsigned MSI is what SmartScreen and WDAC block. " +
              "Configure Installers:SigningCertificate (a PFX) and Installers:SigningPassword, or set Installers:AllowUnsignedForTesting=true on a test server."
            : null;

    /// <returns>The installer, or null when this server has no agent build for the format's platform.</returns>
    /// <exception cref="InstallerToolException">wixl or osslsigncode is missing or failed.</exception>
    public async Task<BuiltInstaller?> BuildAsync(SiteInstallerInput input, string format, CancellationToken cancellationToken)
    {
        if (await catalog.FindAsync(PlatformOf(format), cancellationToken) is not { } agent)
        {
            return null;
        }

        var fileName = $"{input.BaseFileName}.{format}";
        var work = Directory.CreateTempSubdirectory("guruconnect-installer-");
        var output = Path.Combine(work.FullName, fileName);
        await builds.WaitAsync(cancellationToken);
        try
        {
            switch (format)
            {
                case "msi":
                    await msi.BuildAsync(input, agent.Path, agent.Version, work.FullName, output, cancellationToken);
                    break;
                case "deb":
                    await deb.BuildAsync(input, agent.Path, agent.Version, work.FullName, output, cancellationToken);
                    break;
                default:
                    await ShInstaller.BuildAsync(input, agent.Path, agent.Sha256, fileName, output, cancellationToken);
                    break;
            }

            // The built file moves out of the work folder, which goes now; the file goes when it has been sent.
            var final = Path.Combine(Path.GetTempPath(), $"guruconnect-{Guid.NewGuid():N}-{fileName}");
            File.Move(output, final);
            string sha;
            await using (var stream = File.OpenRead(final))
            {
                sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            }

            LogBuilt(logger, format, input.SiteCode, input.FingerprintLabel);
            return new BuiltInstaller(final, fileName, ContentType(format), sha);
        }
        finally
        {
            builds.Release();
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // a leftover temp folder holds no key: the config file is deleted right after wixl read it
            }
        }
    }

    public void Dispose() => builds.Dispose();

    private static string ContentType(string format) => format switch
    {
        "msi" => "application/x-msi",
        "deb" => "application/vnd.debian.binary-package",
        _ => "text/x-shellscript",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Built a {Format} installer for site {SiteCode} with enrollment key {Fingerprint}")]
    private static partial void LogBuilt(ILogger logger, string format, string siteCode, string fingerprint);
}
