using System.Net;
using System.Net.Sockets;

namespace GuruConnect.Server.Hosting;

/// <summary>
/// A busy port is the commonest first-start failure; Kestrel reports it as a long stack trace. This checks
/// the configured addresses first and says it in one line with the setting that changes it (README "Run").
/// </summary>
internal static class PortCheck
{
    public static string? BusyPortMessage(IConfiguration configuration)
    {
        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? "http://localhost:5000";
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var normalised = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri) || uri.Port <= 0)
            {
                continue;
            }

            var address = uri.IsLoopback && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _) ? IPAddress.Loopback
                : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) ? parsed : null;
            if (address is null)
            {
                continue;
            }

            try
            {
                var listener = new TcpListener(address, uri.Port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return $"guruconnect-server: cannot start: port {uri.Port} ({url}) is already in use by another program. Stop that program, or choose another address: " +
                    $"GURUCONNECT_URLS=http://127.0.0.1:{NextPort(uri.Port)} ./scripts/run.sh, or --urls http://127.0.0.1:{NextPort(uri.Port)}.";
            }
            catch (SocketException)
            {
                // Not ours to judge (no such interface, no permission): Kestrel reports those itself.
            }
        }

        return null;
    }

    private static int NextPort(int port) => port >= 65535 ? 8081 : port + 1;
}
