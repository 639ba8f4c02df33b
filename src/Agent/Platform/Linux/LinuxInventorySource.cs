using System.Globalization;
using GuruConnect.Agent.Inventory;

namespace GuruConnect.Agent.Platform.Linux;

/// <summary>
/// Linux inventory from /etc/os-release, /proc and /sys (docs/protocol.md AgentStatus), the user's idle
/// time from the X display (<see cref="XScreenSaverIdle"/>, 0 when unknown). Missing files are empty facts.
/// </summary>
internal sealed class LinuxInventorySource(string root = "/", Func<ulong>? userIdleSeconds = null) : IInventorySource
{
    public InventorySnapshot Read()
    {
        var osRelease = ParseKeyValues(ReadText("etc/os-release"));
        var basic = PortableInventory.Basic(
            osRelease.GetValueOrDefault("NAME", "Linux"),
            osRelease.GetValueOrDefault("VERSION", osRelease.GetValueOrDefault("VERSION_ID", Environment.OSVersion.Version.ToString())));
        var cpuModel = ReadText("proc/cpuinfo").Split('\n')
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? string.Empty;
        var memKb = ReadText("proc/meminfo").Split('\n')
            .FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var uptime = ReadText("proc/uptime").Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return basic with
        {
            CpuModel = cpuModel,
            RamBytes = ulong.TryParse(memKb, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : basic.RamBytes,
            Manufacturer = ReadText("sys/class/dmi/id/sys_vendor").Trim(),
            Model = ReadText("sys/class/dmi/id/product_name").Trim(),
            Serial = ReadText("sys/class/dmi/id/product_serial").Trim(),
            UptimeSeconds = double.TryParse(uptime, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? (ulong)seconds : basic.UptimeSeconds,
            TimeZone = ReadText("etc/timezone").Trim() is { Length: > 0 } zone ? zone : basic.TimeZone,
            UserIdleSeconds = (userIdleSeconds ?? (() => XScreenSaverIdle.Seconds()))(),
        };
    }

    internal static Dictionary<string, string> ParseKeyValues(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && !line.StartsWith('#'))
            {
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim().Trim('"');
            }
        }

        return values;
    }

    private string ReadText(string relative)
    {
        try
        {
            return File.ReadAllText(Path.Combine(root, relative));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
