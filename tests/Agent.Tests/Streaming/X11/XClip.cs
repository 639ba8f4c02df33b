using System.Diagnostics;
using System.Text;

namespace GuruConnect.Agent.Tests.Streaming.X11;

/// <summary>
/// Another X client's clipboard, through <c>xclip</c> (apt: xclip, installed by scripts/test.sh):
/// <see cref="Copy"/> owns CLIPBOARD until disposed, as an editor would; <see cref="PasteAsync"/> reads it
/// as UTF8_STRING. Missing xclip skips the test with the reason.
/// </summary>
internal sealed class XClip : IDisposable
{
    private const string Path = "/usr/bin/xclip";
    private readonly string display;
    private readonly List<Process> owners = [];

    public XClip(string display)
    {
        if (!File.Exists(Path))
            Assert.Skip("xclip is not installed (apt-get install xclip; scripts/test.sh does).");
        this.display = display;
    }

    /// <summary>Takes the CLIPBOARD selection with <paramref name="text"/> (UTF-8), served until disposed or replaced.</summary>
    public void Copy(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var process = Start("-quiet -selection clipboard -i", redirectInput: true);
        process.StandardInput.BaseStream.Write(bytes);
        process.StandardInput.Close();
        owners.Add(process);
    }

    /// <summary>The clipboard as UTF8_STRING, or null when nobody owns it or the owner refuses.</summary>
    public async Task<string?> PasteAsync()
    {
        using var process = Start("-o -selection clipboard -t UTF8_STRING", redirectInput: false);
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        await copy;
        return process.ExitCode == 0 ? Encoding.UTF8.GetString(output.ToArray()) : null;
    }

    public void Dispose()
    {
        foreach (var process in owners)
        {
            if (!process.HasExited)
                process.Kill();
            process.WaitForExit(5000);
            process.Dispose();
        }
    }

    private Process Start(string arguments, bool redirectInput)
    {
        var start = new ProcessStartInfo(Path, arguments)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DISPLAY"] = display;
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        if (redirectInput)
        {
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
        }

        return process;
    }
}
