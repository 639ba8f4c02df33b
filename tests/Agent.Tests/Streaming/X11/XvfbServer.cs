using System.Diagnostics;

namespace GuruConnect.Agent.Tests.Streaming.X11;

/// <summary>
/// A throwaway Xvfb (apt: xvfb, installed by scripts/test.sh) on a free display number. Tests call
/// <see cref="StartOrSkipAsync"/>: when Xvfb is missing or will not start, the test is reported
/// skipped with the reason, never passed.
/// </summary>
internal sealed class XvfbServer : IDisposable
{
    private readonly Process process;

    private XvfbServer(Process process, string display)
    {
        this.process = process;
        Display = display;
    }

    public string Display { get; }

    public static async Task<XvfbServer> StartOrSkipAsync(int width = 1280, int height = 720)
    {
        var xvfb = new[] { "/usr/bin/Xvfb", "/usr/local/bin/Xvfb" }.FirstOrDefault(File.Exists);
        if (xvfb is null)
            Assert.Skip("Xvfb is not installed (apt-get install xvfb; scripts/test.sh does).");
        // -displayfd 1: Xvfb picks a free display number itself (the lock file makes that atomic between
        // parallel tests) and prints it on stdout once it accepts connections, so there is no number to
        // guess and no socket to poll. A loaded runner can take seconds to get there.
        var start = new ProcessStartInfo(xvfb, $"-displayfd 1 -screen 0 {width}x{height}x24 -nolisten tcp -noreset")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
                errors.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        string? number = null;
        try
        {
            number = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        if (!string.IsNullOrWhiteSpace(number) && !process.HasExited)
            return new XvfbServer(process, $":{number.Trim()}");

        if (!process.HasExited)
            process.Kill();
        process.WaitForExit(5000);
        process.Dispose();
        lock (errors)
            Assert.Skip($"Xvfb did not start within 60 s: {errors.ToString().Trim()}");
        return null!;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(5000);
        }

        process.Dispose();
    }
}
