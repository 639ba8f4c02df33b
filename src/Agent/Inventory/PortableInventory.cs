using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace GuruConnect.Agent.Inventory;

/// <summary>The parts of inventory .NET reads the same way on every platform.</summary>
internal static class PortableInventory
{
    public static (IReadOnlyList<string> Ips, IReadOnlyList<string> Macs) Network()
    {
        var ips = new List<string>();
        var macs = new List<string>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.NetworkInterfaceType == NetworkInterfaceType.Loopback || nic.OperationalStatus != OperationalStatus.Up)
            {
                continue;
            }

            var mac = nic.GetPhysicalAddress().GetAddressBytes();
            if (mac.Length == 6 && mac.Any(b => b != 0))
            {
                macs.Add(string.Join(':', mac.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))));
            }

            foreach (var address in nic.GetIPProperties().UnicastAddresses)
            {
                var ip = address.Address;
                if (ip.AddressFamily == AddressFamily.InterNetwork || (ip.AddressFamily == AddressFamily.InterNetworkV6 && !ip.IsIPv6LinkLocal))
                {
                    ips.Add(ip.ToString());
                }
            }
        }

        ips.Sort(StringComparer.Ordinal);
        macs.Sort(StringComparer.Ordinal);
        return (ips.Distinct().ToList(), macs.Distinct().ToList());
    }

    public static InventorySnapshot Basic(string osName, string osVersion)
    {
        var (ips, macs) = Network();
        return new InventorySnapshot(
            osName, osVersion, string.Empty, (uint)Environment.ProcessorCount, (ulong)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            string.Empty, string.Empty, string.Empty, ips, macs, Environment.UserName, 0, TimeZoneInfo.Local.Id,
            (ulong)(Environment.TickCount64 / 1000), Environment.IsPrivilegedProcess);
    }
}
