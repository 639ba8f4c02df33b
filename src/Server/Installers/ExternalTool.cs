using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace GuruConnect.Server.Installers;

/// <summary>Runs wixl / osslsigncode with an argument list (never a shell string) and a time limit.</summary>
internal static class ExternalTool
{
    /// <exception cref="InstallerToolException">Not installed, failed, or ran out of time.</exception>
    public static async Task RunAsync(string tool, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InstallerToolException(tool, missing: true, "it did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InstallerToolException(tool, missing: true, ex.Message);
        }

        using (process)
        {
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
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
                throw new InstallerToolException(tool, missing: false, $"it ran longer than {timeout.TotalSeconds:0} s");
            }

            if (process.ExitCode != 0)
            {
                string text;
                lock (output)
                {
                    text = output.ToString().Trim();
                }

                throw new InstallerToolException(tool, missing: false, $"exit code {process.ExitCode}: {Tail(text)}");
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < 8192)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Tail(string text) => text.Length <= 600 ? text : "…" + text[^600..];
}

/// <summary>An installer tool could not do its job. The message names the tool, never the key or the certificate password.</summary>
internal sealed class InstallerToolException(string tool, bool missing, string reason)
    : Exception($"{tool} failed: {reason}")
{
    public string Tool { get; } = tool;

    public bool Missing { get; } = missing;
}
