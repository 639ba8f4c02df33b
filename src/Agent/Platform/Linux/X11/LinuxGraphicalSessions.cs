using System.Diagnostics;

namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>
/// The real host facts for <see cref="X11DisplayLocator"/>: logind sessions through <c>loginctl</c>
/// (its public interface; nothing when it is missing or fails), homes from <c>/etc/passwd</c>, and X
/// servers' command lines from <c>/proc/*/cmdline</c>.
/// </summary>
internal sealed class LinuxGraphicalSessions : IGraphicalSessions
{
    private static readonly TimeSpan LoginctlTimeout = TimeSpan.FromSeconds(5);
    private static readonly string[] LoginctlPaths = ["/usr/bin/loginctl", "/bin/loginctl"];

    public IReadOnlyList<GraphicalSession> Sessions()
    {
        var list = new List<GraphicalSession>();
        if (Loginctl("list-sessions", "--no-legend") is not { } sessions)
            return list;
        foreach (var line in sessions.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var id = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            if (Loginctl("show-session", id, "-p", "Type", "-p", "Display", "-p", "User", "-p", "Active", "-p", "Remote") is { } show)
                list.Add(Parse(id, show));
        }

        return list;
    }

    public string? HomeOf(uint uid)
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length >= 6 && uint.TryParse(fields[2], out var id) && id == uid)
                    return fields[5];
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    public bool FileExists(string path) => File.Exists(path);

    public IReadOnlyList<IReadOnlyList<string>> XServerCommandLines()
    {
        var list = new List<IReadOnlyList<string>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
                continue;
            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                if (args.Length > 0 && Path.GetFileName(args[0]) is "Xorg" or "X" or "Xwayland")
                    list.Add(args);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is not ours to read.
            }
        }

        return list;
    }

    /// <summary>Parses <c>show-session -p …</c> output (Key=value lines).</summary>
    internal static GraphicalSession Parse(string id, string properties)
    {
        var values = properties.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        return new GraphicalSession(
            id,
            values.GetValueOrDefault("Type", string.Empty),
            values.GetValueOrDefault("Display", string.Empty),
            uint.TryParse(values.GetValueOrDefault("User"), out var uid) ? uid : uint.MaxValue,
            values.GetValueOrDefault("Active") == "yes",
            values.GetValueOrDefault("Remote") == "yes");
    }

    private static string? Loginctl(params string[] args)
    {
        var path = LoginctlPaths.FirstOrDefault(File.Exists);
        if (path is null)
            return null;
        try
        {
            var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args)
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(LoginctlTimeout))
            {
                process.Kill();
                return null;
            }

            return process.ExitCode == 0 ? output.GetAwaiter().GetResult() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
