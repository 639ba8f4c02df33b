using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace GuruConnect.Server.Network;

internal static class ForwardingExtensions
{
    /// <summary>
    /// X-Forwarded-For/-Proto are applied only when the direct peer is a configured trusted proxy.
    /// ASP.NET trusts loopback by default; we clear that so nothing is trusted unless configured.
    /// (Careful: with both known lists empty, the middleware trusts everyone — hence <c>None</c> then.)
    /// </summary>
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var network = new NetworkOptions();
        configuration.GetSection(NetworkOptions.Section).Bind(network);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            // With both lists empty the middleware would trust every peer, so no proxies means no forwarding at all.
            options.ForwardedHeaders = network.TrustedProxies.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the obsolete list still holds the loopback default the middleware trusts
            options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            options.ForwardLimit = 1;
            foreach (var proxy in network.TrustedProxies)
            {
                if (!IPAddress.TryParse(proxy, out var address))
                {
                    throw new InvalidOperationException($"Network:TrustedProxies contains '{proxy}', which is not an IP address.");
                }

                options.KnownProxies.Add(address);
            }
        });
        return services;
    }
}
