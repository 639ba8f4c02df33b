using System.Security;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Installers;

/// <summary>
/// The per-site MSI: wixl lays the signed Windows agent in unchanged (its Authenticode signature stays
/// valid, docs/security.md #21) plus the site's agent.json under %ProgramData%\GuruConnect\, registers the
/// service, and the finished MSI is itself signed.
/// </summary>
internal sealed class MsiInstaller(IOptions<InstallerOptions> options, CodeSigner signer)
{
    public async Task BuildAsync(SiteInstallerInput input, string agentPath, string version, string workDirectory, string output, CancellationToken cancellationToken)
    {
        var config = Path.Combine(workDirectory, "agent.json");
        await File.WriteAllBytesAsync(config, input.ConfigJson(), cancellationToken);
        var wxs = InstallerTemplates.Fill(InstallerTemplates.Read("agent.wxs"), new Dictionary<string, string>
        {
            ["SITE_CODE"] = Xml(input.SiteCode),
            ["FINGERPRINT_LABEL"] = Xml(input.FingerprintLabel),
            ["SERVER"] = Xml(InstallerTemplates.OneLine(input.Server)),
            ["VERSION"] = Xml(MsiVersion(version)),
            // wixl takes sources relative to its working folder only: the agent is linked in, not copied.
            ["AGENT_PATH"] = "guruconnect-agent.exe",
            ["CONFIG_PATH"] = "agent.json",
        });
        File.CreateSymbolicLink(Path.Combine(workDirectory, "guruconnect-agent.exe"), agentPath);
        var source = Path.Combine(workDirectory, "site.wxs");
        await File.WriteAllTextAsync(source, wxs, cancellationToken);
        var unsigned = Path.Combine(workDirectory, "unsigned.msi");
        await ExternalTool.RunAsync(options.Value.WixlPath, ["-a", "x64", "-o", "unsigned.msi", "site.wxs"], workDirectory, options.Value.ToolTimeout, cancellationToken);
        File.Delete(config); // the key stays only inside the MSI
        if (signer.IsConfigured)
        {
            await signer.SignAsync(unsigned, output, $"GuruConnect Agent ({input.SiteCode})", cancellationToken);
            File.Delete(unsigned);
        }
        else
        {
            File.Move(unsigned, output);
        }
    }

    /// <summary>An MSI ProductVersion is major.minor.build with numbers only: "1.2.3-beta.1" → "1.2.3".</summary>
    public static string MsiVersion(string version)
    {
        var core = version.Split('-', '+')[0];
        var parts = core.Split('.').Select(p => int.TryParse(p, out var n) ? Math.Clamp(n, 0, 255 * 256) : 0).Take(3).ToList();
        while (parts.Count < 3)
        {
            parts.Add(0);
        }

        return string.Join('.', parts);
    }

    private static string Xml(string value) => SecurityElement.Escape(value);
}
