namespace GuruConnect.Server.Network;

/// <summary>
/// The client IP as rate limits and audit see it. Forwarded headers are applied by middleware only
/// when the direct peer is a configured trusted proxy (docs/security.md §15), so this is the real peer otherwise.
/// </summary>
internal static class ClientAddress
{
    public static string Of(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip
            ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString()
            : "unknown";
}
