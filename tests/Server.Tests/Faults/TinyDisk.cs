using System.Diagnostics;

namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// A small tmpfs mounted for one test, to be the server's data folder: filled up, or remounted read-only (as
/// root, permission bits are no obstacle, so a real read-only or full file system is the only honest fault).
/// Skipped with the reason where mounting is not allowed (not root, or no CAP_SYS_ADMIN in a container).
/// </summary>
internal sealed class TinyDisk : IAsyncDisposable
{
    private TinyDisk(string path) => Path = path;

    public string Path { get; }

    public static async Task<TinyDisk> MountAsync(int megabytes)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("mounting a tmpfs needs Linux.");
        }

        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gc-faults-disk-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        var (code, text) = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            Assert.Skip($"cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): {text.Trim()}");
        }

        return new TinyDisk(path);
    }

    public async Task RemountAsync(bool readOnly)
    {
        var (code, text) = await RunAsync("mount", "-o", readOnly ? "remount,ro" : "remount,rw", Path);
        code.ShouldBe(0, text);
    }

    /// <summary>Writes a filler file until the file system says it is full; returns its path.</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        var block = new byte[64 * 1024];
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // Full: ENOSPC.
        }

        try
        {
            // Whatever fits in the last partial block.
            while (true)
            {
                stream.Write(block, 0, 512);
            }
        }
        catch (IOException)
        {
        }

        return filler;
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
