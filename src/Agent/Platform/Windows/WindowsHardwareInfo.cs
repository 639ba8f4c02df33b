using System.Management;
using System.Runtime.Versioning;
using GuruConnect.Agent.Identity;
using Microsoft.Win32;

namespace GuruConnect.Agent.Platform.Windows;

/// <summary>
/// Identity signals from WMI (spec 03): <c>Win32_ComputerSystemProduct.UUID</c>,
/// <c>Win32_BaseBoard.SerialNumber</c>, the serial of the disk holding the system drive, and
/// <c>MachineGuid</c> as the OS install id. Any query that fails is a missing signal.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsHardwareInfo : IHardwareInfo
{
    public Task<IdentitySignals> ReadIdentitySignalsAsync(CancellationToken cancellationToken) =>
        // WMI is synchronous and can take a second or two on a cold start.
        Task.Run(
            () => new IdentitySignals(
                QueryFirst("SELECT UUID FROM Win32_ComputerSystemProduct", "UUID"),
                QueryFirst("SELECT SerialNumber FROM Win32_BaseBoard", "SerialNumber"),
                SystemDiskSerial(),
                MachineGuid()),
            cancellationToken);

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
        catch (Exception ex) when (ex is ManagementException or UnauthorizedAccessException or System.Runtime.InteropServices.COMException)
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
        catch (Exception ex) when (ex is ManagementException or UnauthorizedAccessException or System.Runtime.InteropServices.COMException)
        {
        }

        return null;
    }

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
