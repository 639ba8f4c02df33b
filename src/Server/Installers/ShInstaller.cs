using System.Globalization;
using System.Text;

namespace GuruConnect.Server.Installers;

/// <summary>
/// The one-file installer for any systemd Linux: packaging/installers/install.sh with the site's agent.json
/// and unit filled in, followed by the agent's bytes unchanged; the script checks their SHA-256 before it
/// installs anything, and is safe to run again (docs/installers.md "sh").
/// </summary>
internal static class ShInstaller
{
    public static async Task BuildAsync(SiteInstallerInput input, string agentPath, string agentSha256, string fileName, string output, CancellationToken cancellationToken)
    {
        var unit = InstallerTemplates.Fill(InstallerTemplates.Read("guruconnect-agent.service"),
            new Dictionary<string, string> { ["ENVIRONMENT"] = string.Empty, ["EXTRA_PATHS"] = string.Empty }).TrimEnd('\n');
        var script = InstallerTemplates.Fill(InstallerTemplates.Read("install.sh"), new Dictionary<string, string>
        {
            ["SITE_CODE"] = input.SiteCode,
            ["FINGERPRINT_LABEL"] = input.FingerprintLabel,
            ["SERVER"] = InstallerTemplates.OneLine(input.Server),
            ["FILE_NAME"] = fileName,
            ["PAYLOAD_SIZE"] = new FileInfo(agentPath).Length.ToString(CultureInfo.InvariantCulture),
            ["PAYLOAD_SHA256"] = agentSha256,
            ["CONFIG_JSON"] = input.ConfigText(),
            ["UNIT"] = unit,
        });
        await using var file = new FileStream(output, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await file.WriteAsync(Encoding.UTF8.GetBytes(script), cancellationToken);
        await using var agent = File.OpenRead(agentPath);
        await agent.CopyToAsync(file, cancellationToken);
    }
}
