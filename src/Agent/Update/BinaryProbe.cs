using System.ComponentModel;
using System.Diagnostics;

namespace GuruConnect.Agent.Update;

/// <summary>
/// Starts a downloaded binary once, before it is installed, with <c>--version</c>: a build that cannot
/// even start here (wrong architecture, a missing library, a crash in start-up) is refused while the
/// running agent can still say so, instead of leaving the service manager restarting a dead binary.
/// </summary>
internal interface IBinaryProbe
{
    /// <returns>Null when it ran and printed a version; otherwise why not.</returns>
    Task<string?> ProbeAsync(string path, TimeSpan timeout, CancellationToken cancellationToken);
}

internal sealed class ProcessBinaryProbe : IBinaryProbe
{
    public async Task<string?> ProbeAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        info.ArgumentList.Add("--version");
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new Win32Exception("no process");
        }
        catch (Exception ex) when (ex is Win32Exception or IOException or UnauthorizedAccessException)
        {
            return $"it does not start ({ex.Message})";
        }

        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                return $"it did not answer --version within {timeout.TotalSeconds:0} s";
            }

            var printed = (await output).Trim();
            if (process.ExitCode != 0)
            {
                var detail = (await errors).Trim();
                return $"it exited with code {process.ExitCode} on --version{(detail.Length == 0 ? "" : ": " + Shorten(detail))}";
            }

            return AgentVersion.Parse(printed) is null ? $"it printed no version on --version (\"{Shorten(printed)}\")" : null;
        }
    }

    private static string Shorten(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length <= 160 ? line : line[..160] + "…";
    }
}
