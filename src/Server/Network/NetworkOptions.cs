namespace GuruConnect.Server.Network;

/// <summary>Configuration section <c>Network</c>.</summary>
public sealed class NetworkOptions
{
    public const string Section = "Network";

    /// <summary>
    /// IP addresses of reverse proxies whose <c>X-Forwarded-For</c> is believed. Empty by default:
    /// then the direct peer is the client (docs/security.md §15).
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];
}
