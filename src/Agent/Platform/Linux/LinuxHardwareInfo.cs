using System.Buffers.Binary;
using System.Text;
using GuruConnect.Agent.Identity;

namespace GuruConnect.Agent.Platform.Linux;

/// <summary>
/// Identity signals from sysfs (docs/agent.md). <paramref name="root"/> is "/" in production and a
/// fake tree in tests. The DMI files are root-only (0400): read as another user they are
/// missing signals, which is why <c>status</c> shows the uid recorded at enrollment.
/// </summary>
internal sealed class LinuxHardwareInfo(string root = "/") : IHardwareInfo
{
    // Never "the machine's disk": RAM disks, loop devices, device-mapper and RAID layers,
    // optical and floppy drives, network block devices.
    private static readonly string[] VirtualPrefixes = ["loop", "ram", "zram", "dm-", "md", "sr", "fd", "nbd"];

    public async Task<IdentitySignals> ReadIdentitySignalsAsync(CancellationToken cancellationToken)
    {
        var systemUuid = await ReadTextAsync(Under("sys/class/dmi/id/product_uuid"), cancellationToken);
        var boardSerial = await ReadTextAsync(Under("sys/class/dmi/id/board_serial"), cancellationToken);
        var diskSerial = await ReadFirstFixedDiskSerialAsync(cancellationToken);
        var osInstallId = await ReadTextAsync(Under("etc/machine-id"), cancellationToken)
            ?? await ReadTextAsync(Under("var/lib/dbus/machine-id"), cancellationToken);
        return new IdentitySignals(systemUuid, boardSerial, diskSerial, osInstallId);
    }

    private async Task<string?> ReadFirstFixedDiskSerialAsync(CancellationToken cancellationToken)
    {
        var blockDirectory = Under("sys/block");
        string[] devices;
        try
        {
            devices = Directory.GetFileSystemEntries(blockDirectory).Select(Path.GetFileName).OfType<string>().ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        Array.Sort(devices, StringComparer.Ordinal);
        foreach (var device in devices)
        {
            var devicePath = Path.Combine(blockDirectory, device);
            if (!await IsFixedPhysicalDiskAsync(device, devicePath, cancellationToken))
            {
                continue;
            }

            var serial = await ReadTextAsync(Path.Combine(devicePath, "device", "serial"), cancellationToken)
                ?? await ReadTextAsync(Path.Combine(devicePath, "serial"), cancellationToken)
                ?? await ReadVpdSerialAsync(Path.Combine(devicePath, "device", "vpd_pg80"), cancellationToken)
                ?? ReadByIdName(device);
            if (IdentityProvider.Normalize(serial) is not null)
            {
                return serial;
            }
        }

        return null;
    }

    private static async Task<bool> IsFixedPhysicalDiskAsync(string device, string devicePath, CancellationToken cancellationToken)
    {
        if (VirtualPrefixes.Any(prefix => device.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return false;
        }

        // /sys/block/X links into /sys/devices/…: virtual devices live under /virtual/, USB disks
        // (which report removable=0 when they are hard drives) under a usb bus node.
        var target = TryResolve(devicePath);
        if (target is not null && (target.Contains("/virtual/", StringComparison.Ordinal) || target.Contains("/usb", StringComparison.Ordinal)))
        {
            return false;
        }

        return (await ReadTextAsync(Path.Combine(devicePath, "removable"), cancellationToken))?.Trim() != "1";
    }

    // SCSI/SATA unit serial number VPD page: 4-byte header (length at bytes 2–3), then ASCII.
    private static async Task<string?> ReadVpdSerialAsync(string path, CancellationToken cancellationToken)
    {
        byte[] page;
        try
        {
            page = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (page.Length < 4 || page[1] != 0x80)
        {
            return null;
        }

        var length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(page.AsSpan(2)), page.Length - 4);
        return Encoding.ASCII.GetString(page, 4, length);
    }

    // /dev/disk/by-id names carry bus, model and serial (ata-Samsung_SSD_860_EVO_500GB_S3Z1…);
    // the whole name is stable for a given disk. wwn-/eui names are skipped: not every disk has one.
    private string? ReadByIdName(string device)
    {
        var byId = Under("dev/disk/by-id");
        string[] links;
        try
        {
            links = Directory.GetFileSystemEntries(byId);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        Array.Sort(links, StringComparer.Ordinal);
        foreach (var link in links)
        {
            var name = Path.GetFileName(link);
            if (name.StartsWith("wwn-", StringComparison.Ordinal) || name.StartsWith("nvme-eui.", StringComparison.Ordinal))
            {
                continue;
            }

            var target = new FileInfo(link).LinkTarget;
            if (target is not null && Path.GetFileName(target) == device)
            {
                return name;
            }
        }

        return null;
    }

    private static string? TryResolve(string path)
    {
        try
        {
            var target = new DirectoryInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<string?> ReadTextAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string Under(string relative) => Path.Combine(root, relative);
}
