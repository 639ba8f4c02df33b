using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Installers;

/// <summary>Authenticode-signs a Windows file with osslsigncode and the configured PFX (docs/installers.md "Signing").</summary>
internal sealed class CodeSigner(IOptions<InstallerOptions> options)
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.SigningCertificate);

    /// <summary>Signs <paramref name="input"/> into <paramref name="output"/>.</summary>
    public async Task SignAsync(string input, string output, string description, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var workDirectory = Path.GetDirectoryName(output)!;
        // The password goes through a 0600 file, not the command line, which any local user can read.
        var passwordFile = Path.Combine(workDirectory, ".signing-password");
        var password = o.SigningPasswordFile is { Length: > 0 } file ? await File.ReadAllTextAsync(file, cancellationToken) : o.SigningPassword ?? string.Empty;
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(passwordFile, fileOptions))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(password.TrimEnd('\r', '\n'));
        }

        try
        {
            List<string> arguments = ["sign", "-pkcs12", o.SigningCertificate!, "-readpass", passwordFile, "-n", description, "-i", "https://guruconnect.dev", "-h", "sha256"];
            if (o.TimestampUrl is { Length: > 0 } timestamp)
            {
                arguments.AddRange(["-ts", timestamp]);
            }

            arguments.AddRange(["-in", input, "-out", output]);
            await ExternalTool.RunAsync(o.OsslsigncodePath, arguments, workDirectory, o.ToolTimeout, cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }
}
