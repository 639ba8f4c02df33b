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
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var number = Random.Shared.Next(200, 900);
            if (File.Exists($"/tmp/.X{number}-lock"))
                continue;
            var start = new ProcessStartInfo(xvfb, $":{number} -screen 0 {width}x{height}x24 -nolisten tcp -noreset")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            var process = Process.Start(start)!;
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            for (var i = 0; i < 100 && !process.HasExited; i++)
            {
                if (File.Exists($"/tmp/.X11-unix/X{number}"))
                    return new XvfbServer(process, $":{number}");
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            process.Kill();
            process.Dispose();
        }

        Assert.Skip("Xvfb did not start on any of five display numbers.");
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
