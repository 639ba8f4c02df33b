using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using GuruConnect.Protocol;

namespace GuruConnect.Bench.Relay;

/// <summary>
/// The reference: the agent holds one plain WebSocket per viewer over loopback TCP (client side masks,
/// as a real agent's does) and fans out itself. No HTTP, no server: the physical limit here.
/// </summary>
internal sealed class DirectRig : IRig
{
    private readonly List<(BenchSocket Agent, BenchSocket Viewer)> pairs = [];

    private DirectRig(int viewers) => Viewers = viewers;

    public string Name => "direct";

    public int Viewers { get; }

    public static async Task<DirectRig> CreateAsync(int viewers)
    {
        var rig = new DirectRig(viewers);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        for (var i = 0; i < viewers; i++)
        {
            var client = new TcpClient { NoDelay = true };
            var connect = client.ConnectAsync(IPAddress.Loopback, port);
            var accepted = await listener.AcceptTcpClientAsync();
            await connect;
            accepted.NoDelay = true;
            var agent = WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
            var viewer = WebSocket.CreateFromStream(accepted.GetStream(), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
            rig.pairs.Add((new BenchSocket(agent, ProtocolLimits.MaxAgentMessageBytes), new BenchSocket(viewer, ProtocolLimits.MaxAgentMessageBytes)));
        }

        return rig;
    }

    public async Task AgentSendAsync(ReadOnlyMemory<byte> message)
    {
        foreach (var (agent, _) in pairs)
        {
            await agent.SendAsync(message);
        }
    }

    public Task ViewerSendAsync(int viewer, ReadOnlyMemory<byte> message) => pairs[viewer].Viewer.SendAsync(message);

    public void Start(Action<int, ReadOnlySpan<byte>> atAgent, Action<int, ReadOnlySpan<byte>> atViewer)
    {
        for (var i = 0; i < pairs.Count; i++)
        {
            var index = i;
            pairs[i].Agent.Start(message => atAgent(index, message));
            pairs[i].Viewer.Start(message => atViewer(index, message));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (agent, viewer) in pairs)
        {
            await agent.DisposeAsync();
            await viewer.DisposeAsync();
        }
    }
}
