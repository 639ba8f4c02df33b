using System.ComponentModel;
using System.Diagnostics;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Service;

namespace GuruConnect.Agent.Platform.Linux;

/// <summary>
/// Writes <c>guruconnect-agent.service</c> and drives <c>systemctl</c>. The unit folder and the
/// systemctl calls can be redirected (<c>GURUCONNECT_SYSTEMD_DIR</c>, <c>GURUCONNECT_SKIP_SYSTEMCTL=1</c>)
/// so tests and packaging can run it without touching the host's systemd.
/// </summary>
internal sealed class SystemdServiceHost(string unitDirectory, bool skipSystemctl, AgentPaths paths) : IServiceHost
{
    private const string Unit = "guruconnect-agent";

    public string UnitPath => Path.Combine(unitDirectory, SystemdUnit.UnitName);

    public async Task<ServiceResult> InstallAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(unitDirectory);
        var text = SystemdUnit.Render(command, paths);
        await AtomicFile.WriteAsync(
            UnitPath,
            System.Text.Encoding.UTF8.GetBytes(text),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            cancellationToken);

        var failure = await SystemctlAsync(cancellationToken, "daemon-reload")
            ?? await SystemctlAsync(cancellationToken, "enable", "--now", Unit);
        return failure ?? new ServiceResult(
            ExitCodes.Ok,
            skipSystemctl
                ? $"Wrote {UnitPath} (systemctl skipped: {SystemdUnit.SkipSystemctlVariable}=1)."
                : $"Installed and started {Unit} ({UnitPath}). Follow it with `journalctl -u {Unit} -f`.");
    }

    public async Task<ServiceResult> UninstallAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(UnitPath))
        {
            return new ServiceResult(ExitCodes.Ok, $"{Unit} is not installed ({UnitPath} does not exist).");
        }

        // A unit that is already stopped or disabled is not an error here.
        _ = await SystemctlAsync(cancellationToken, "disable", "--now", Unit);
        File.Delete(UnitPath);
        var failure = await SystemctlAsync(cancellationToken, "daemon-reload");
        return failure ?? new ServiceResult(
            ExitCodes.Ok,
            $"Stopped, disabled and removed {Unit}. The config and the machine credential are kept; delete them to forget this machine.");
    }

    /// <returns>Null on success, the failure otherwise.</returns>
    private async Task<ServiceResult?> SystemctlAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        if (skipSystemctl)
        {
            return null;
        }

        var start = new ProcessStartInfo("systemctl") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0
                ? null
                : new ServiceResult(ExitCodes.Unexpected, $"`systemctl {string.Join(' ', arguments)}` failed ({process.ExitCode}): {(await error).Trim()}");
        }
        catch (Win32Exception)
        {
            return new ServiceResult(
                ExitCodes.NotSupported,
                $"systemctl was not found: `install` supports systemd only. {UnitPath} has been written; start `guruconnect-agent run` with your init system instead.");
        }
    }
}
