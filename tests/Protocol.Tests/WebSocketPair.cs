using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace GuruConnect.Protocol.Tests;

/// <summary>Two real WebSockets (the runtime's managed implementation, as Kestrel uses) over a loopback TCP connection.</summary>
internal sealed class WebSocketPair : IAsyncDisposable
{
    private readonly TcpClient _clientTcp;
    private readonly TcpClient _serverTcp;

    private WebSocketPair(TcpClient clientTcp, TcpClient serverTcp)
    {
        _clientTcp = clientTcp;
        _serverTcp = serverTcp;
        Client = WebSocket.CreateFromStream(clientTcp.GetStream(), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        Server = WebSocket.CreateFromStream(serverTcp.GetStream(), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
    }

    /// <summary>The sending end in these tests.</summary>
    public WebSocket Client { get; }

    /// <summary>The reading end in these tests.</summary>
    public WebSocket Server { get; }

    public static async Task<WebSocketPair> ConnectAsync(CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient { NoDelay = true };
        var accept = listener.AcceptTcpClientAsync(cancellationToken);
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cancellationToken);
        var server = await accept;
        server.NoDelay = true;
        return new WebSocketPair(client, server);
    }

    /// <summary>Drops the client's TCP connection without a close handshake.</summary>
    public void KillClient() => _clientTcp.Client.Close(0);

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        Server.Dispose();
        _clientTcp.Dispose();
        _serverTcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
