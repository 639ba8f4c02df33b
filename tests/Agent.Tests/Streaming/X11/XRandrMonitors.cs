using System.Diagnostics;

namespace GuruConnect.Agent.Tests.Streaming.X11;

/// <summary>
/// Splits an Xvfb screen into two RandR 1.5 monitors side by side with <c>xrandr --setmonitor</c>
/// (apt: x11-xserver-utils, installed by scripts/test.sh): "left" on the screen's one output, "right"
/// on none — what a laptop with an external display reports to XRRGetMonitors.
/// </summary>
internal static class XRandrMonitors
{
    public static async Task SplitInTwoAsync(string display, int width, int height)
    {
        if (!File.Exists("/usr/bin/xrandr"))
            Assert.Skip("xrandr is not installed (apt-get install x11-xserver-utils; scripts/test.sh does).");
        var half = width / 2;
        await RunAsync(display, $"--setmonitor left {half}/100x{height}/100+0+0 screen");
        await RunAsync(display, $"--setmonitor right {width - half}/100x{height}/100+{half}+0 none");
    }

    private static async Task RunAsync(string display, string arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/xrandr", arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["DISPLAY"] = display;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"xrandr {arguments} failed: {await error}");
    }
}
