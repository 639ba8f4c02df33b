using System.Management;
using System.Runtime.Versioning;
using GuruConnect.Agent.Identity;
using Microsoft.Win32;

namespace GuruConnect.Agent.Platform.Windows;

/// <summary>
/// Identity signals from WMI (docs/agent.md): <c>Win32_ComputerSystemProduct.UUID</c>,
/// <c>Win32_BaseBoard.SerialNumber</c>, the serial of the disk holding the system drive, and
/// <c>MachineGuid</c> as the OS install id. Any query that fails is a missing signal.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsHardwareInfo : IHardwareInfo
{
    /// <summary>WMI that does not answer in this time counts as absent (seen under wine; possible on a wedged winmgmt).</summary>
    public static readonly TimeSpan WmiTimeout = TimeSpan.FromSeconds(20);

    public async Task<IdentitySignals> ReadIdentitySignalsAsync(CancellationToken cancellationToken)
    {
        // WMI is synchronous and can take a second or two on a cold start.
        var hardware = Task.Run(
            () => (Uuid: QueryFirst("SELECT UUID FROM Win32_ComputerSystemProduct", "UUID"),
                   Board: QueryFirst("SELECT SerialNumber FROM Win32_BaseBoard", "SerialNumber"),
                   Disk: SystemDiskSerial()),
            cancellationToken);
        try
        {
            var (uuid, board, disk) = await hardware.WaitAsync(WmiTimeout, cancellationToken);
            return new IdentitySignals(uuid, board, disk, MachineGuid());
        }
        catch (TimeoutException)
        {
            return new IdentitySignals(null, null, null, MachineGuid());
        }
    }

    private static string? QueryFirst(string query, string property)
    {
        try
        {
            using var searcher = new ManagementObjectSearcher(query);
            using var results = searcher.Get();
            foreach (var item in results)
            {
                using (item)
                {
                    return item[property]?.ToString();
                }
            }
        }
        catch (Exception ex) when (IsWmiUnavailable(ex))
        {
        }

        return null;
    }

    // System drive → partition → physical disk, through the WMI association classes.
    private static string? SystemDiskSerial()
    {
        var systemDrive = Environment.GetEnvironmentVariable("SystemDrive") ?? "C:";
        try
        {
            using var partitions = new ManagementObjectSearcher(
                $"ASSOCIATORS OF {{Win32_LogicalDisk.DeviceID='{systemDrive}'}} WHERE AssocClass=Win32_LogicalDiskToPartition");
            foreach (var partition in partitions.Get())
            {
                using (partition)
                {
                    using var disks = new ManagementObjectSearcher(
                        $"ASSOCIATORS OF {{Win32_DiskPartition.DeviceID='{partition["DeviceID"]}'}} WHERE AssocClass=Win32_DiskDriveToDiskPartition");
                    foreach (var disk in disks.Get())
                    {
                        using (disk)
                        {
                            return disk["SerialNumber"]?.ToString();
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (IsWmiUnavailable(ex))
        {
        }

        return null;
    }

    // WMI missing or broken (stripped images, wine, a stopped winmgmt) is a missing signal, never a crash:
    // the identity then falls back to MachineGuid and is marked os-scoped.
    private static bool IsWmiUnavailable(Exception ex) =>
        ex is ManagementException or UnauthorizedAccessException or System.Runtime.InteropServices.COMException
            or TypeInitializationException or PlatformNotSupportedException or DllNotFoundException;

    private static string? MachineGuid()
    {
        try
        {
            using var hive = RegistryKey.OpenBaseKey(RegistryHive.LocalMachine, RegistryView.Registry64);
            using var key = hive.OpenSubKey(@"SOFTWARE\Microsoft\Cryptography");
            return key?.GetValue("MachineGuid") as string;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return null;
        }
    }
}
