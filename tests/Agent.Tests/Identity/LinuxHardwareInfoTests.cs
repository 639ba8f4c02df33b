using GuruConnect.Agent.Platform.Linux;
using GuruConnect.Agent.Tests.Support;

namespace GuruConnect.Agent.Tests.Identity;

/// <summary>The Linux reader against a fake sysfs tree.</summary>
public sealed class LinuxHardwareInfoTests : IDisposable
{
    private readonly TempDirectory _root = new();

    [Fact]
    public async Task ReadIdentitySignals_ReadsDmiDiskAndMachineId()
    {
        Write("sys/class/dmi/id/product_uuid", "4c4c4544-0042-3510-8052-b4c04f4b4e32\n");
        Write("sys/class/dmi/id/board_serial", "/9X2KN32/CN1296\n");
        Write("etc/machine-id", "0f1e2d3c4b5a69788796a5b4c3d2e1f0\n");
        Disk("nvme0n1", serial: "S3Z1NB0K123456");

        var signals = await Read();

        signals.SystemUuid!.Trim().ShouldBe("4c4c4544-0042-3510-8052-b4c04f4b4e32");
        signals.BoardSerial!.Trim().ShouldBe("/9X2KN32/CN1296");
        signals.DiskSerial!.Trim().ShouldBe("S3Z1NB0K123456");
        signals.OsInstallId!.Trim().ShouldBe("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    }

    [Fact]
    public async Task ReadIdentitySignals_SkipsVirtualRemovableAndUsbDisks_AndTakesTheFirstByName()
    {
        Disk("loop0", serial: "LOOP-SERIAL", virtualDevice: true);
        Disk("sda", serial: "USB-STICK", removable: true);
        Disk("sdb", serial: "USB-HDD", usb: true);
        Disk("sdc", serial: "FIRST-FIXED");
        Disk("sdd", serial: "SECOND-DISK");
        Disk("sde", serial: "THIRD-DISK");
        Disk("zram0", serial: "ZRAM", virtualDevice: true);

        (await Read()).DiskSerial!.Trim().ShouldBe("FIRST-FIXED");
    }

    [Fact]
    public async Task ReadIdentitySignals_FallsBackToTheVpdPageThenDiskById()
    {
        Disk("sda", serial: null, vpdSerial: "  WD-WCC4N1234567");
        (await Read()).DiskSerial!.Trim().ShouldBe("WD-WCC4N1234567");

        using var other = new TempDirectory();
        var device = Path.Combine(other.Path, "sys", "block", "sda");
        Directory.CreateDirectory(device);
        File.WriteAllText(Path.Combine(device, "removable"), "0\n");
        Directory.CreateDirectory(Path.Combine(other.Path, "dev", "disk", "by-id"));
        File.CreateSymbolicLink(Path.Combine(other.Path, "dev", "disk", "by-id", "wwn-0x5000c500a1b2c3d4"), "../../sda");
        File.CreateSymbolicLink(Path.Combine(other.Path, "dev", "disk", "by-id", "ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456"), "../../sda");
        File.CreateSymbolicLink(Path.Combine(other.Path, "dev", "disk", "by-id", "ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456-part1"), "../../sda1");

        var signals = await new LinuxHardwareInfo(other.Path).ReadIdentitySignalsAsync(TestContext.Current.CancellationToken);

        signals.DiskSerial.ShouldBe("ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456");
    }

    [Fact]
    public async Task ReadIdentitySignals_MissingFiles_AreMissingSignalsNotErrors()
    {
        var signals = await Read();

        signals.SystemUuid.ShouldBeNull();
        signals.BoardSerial.ShouldBeNull();
        signals.DiskSerial.ShouldBeNull();
        signals.OsInstallId.ShouldBeNull();
    }

    [Fact]
    public async Task ReadIdentitySignals_UnreadableFile_IsAMissingSignal()
    {
        // Reading a directory fails with the same UnauthorizedAccessException a 0400 file gives a
        // non-root user; this way the test also means something when it runs as root.
        Directory.CreateDirectory(Path.Combine(_root.Path, "sys/class/dmi/id/board_serial"));
        Write("sys/class/dmi/id/product_uuid", "4c4c4544-0042-3510-8052-b4c04f4b4e32\n");

        var signals = await Read();

        signals.BoardSerial.ShouldBeNull();
        signals.SystemUuid.ShouldNotBeNull();
    }

    public void Dispose() => _root.Dispose();

    private Task<GuruConnect.Agent.Identity.IdentitySignals> Read() =>
        new LinuxHardwareInfo(_root.Path).ReadIdentitySignalsAsync(TestContext.Current.CancellationToken);

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_root.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    // Like the kernel: /sys/block/X is a link into /sys/devices/…, whose path shows the bus.
    private void Disk(string name, string? serial, bool removable = false, bool virtualDevice = false, bool usb = false, string? vpdSerial = null)
    {
        var bus = virtualDevice ? "virtual/block" : usb ? "pci0000:00/0000:00:14.0/usb2/2-1/block" : "pci0000:00/0000:00:17.0/ata1/block";
        var device = Path.Combine(_root.Path, "sys", "devices", bus, name);
        Directory.CreateDirectory(Path.Combine(device, "device"));
        File.WriteAllText(Path.Combine(device, "removable"), removable ? "1\n" : "0\n");
        if (serial is not null)
        {
            File.WriteAllText(Path.Combine(device, "device", "serial"), serial + "\n");
        }

        if (vpdSerial is not null)
        {
            var text = System.Text.Encoding.ASCII.GetBytes(vpdSerial);
            File.WriteAllBytes(Path.Combine(device, "device", "vpd_pg80"), [0x00, 0x80, 0x00, (byte)text.Length, .. text]);
        }

        Directory.CreateDirectory(Path.Combine(_root.Path, "sys", "block"));
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "sys", "block", name), device);
    }
}
