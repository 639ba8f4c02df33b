using System.Net;
using System.Net.Sockets;

namespace GuruConnect.Server.RateLimiting;

/// <summary>
/// The key a per-client limit counts under: IPv4 as is, IPv6 by its /64. Any IPv6 subscriber holds
/// a whole /64, so counting full addresses would give one client 2^64 fresh budgets. Every limiter
/// keyed by client (login, enrollment, support codes) goes through here.
/// </summary>
internal static class ClientBucket
{
    public static string Of(string ip)
    {
        if (!IPAddress.TryParse(ip, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ip;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
