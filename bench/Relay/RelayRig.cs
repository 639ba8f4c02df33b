using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Bench.Relay;

/// <summary>One agent and N viewers of one session, every message through the relay.</summary>
internal sealed class RelayRig : IRig
{
    private readonly BenchSocket agent;
    private readonly List<BenchSocket> viewers = [];
    private readonly Dictionary<string, int> viewerIndex = new(StringComparer.Ordinal);

    private RelayRig(BenchSocket agent) => this.agent = agent;

    public string Name => "relay";

    public int Viewers => viewers.Count;

    public static async Task<RelayRig> CreateAsync(RelayServer server, int viewerCount)
    {
        var (sessionId, key) = await server.EnrollAsync();
        var agentSocket = new ClientWebSocket();
        agentSocket.Options.KeepAliveInterval = TimeSpan.Zero;
        agentSocket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        await agentSocket.ConnectAsync(server.WebSocketUri("/ws/agent"), CancellationToken.None);
        var rig = new RelayRig(new BenchSocket(agentSocket, ProtocolLimits.MaxAgentMessageBytes));
        var reader = new WebSocketMessageReader(ProtocolLimits.MaxAgentMessageBytes);
        await rig.agent.SendAsync(Frames.ToBytes(new Envelope { AgentHello = new AgentHello { Hostname = "bench" } }));
        await rig.agent.SendAsync(Frames.ToBytes(new Envelope { Ping = new Ping { Nonce = 1 } }));
        await ReceiveUntilAsync(reader, agentSocket, Envelope.PayloadOneofCase.Pong);

        for (var i = 0; i < viewerCount; i++)
        {
            var token = await server.ViewerTokenAsync(sessionId);
            var viewerSocket = new ClientWebSocket();
            viewerSocket.Options.KeepAliveInterval = TimeSpan.Zero;
            await viewerSocket.ConnectAsync(server.WebSocketUri("/ws/viewer", $"session={sessionId}&token={token}"), CancellationToken.None);
            rig.viewers.Add(new BenchSocket(viewerSocket, ProtocolLimits.MaxAgentMessageBytes));
            var joined = await ReceiveUntilAsync(reader, agentSocket, Envelope.PayloadOneofCase.ViewerJoined);
            rig.viewerIndex[joined.ViewerJoined.ViewerId] = i;
        }

        return rig;
    }

    public Task AgentSendAsync(ReadOnlyMemory<byte> message) => agent.SendAsync(message);

    public Task ViewerSendAsync(int viewer, ReadOnlyMemory<byte> message) => viewers[viewer].SendAsync(message);

    public void Start(Action<int, ReadOnlySpan<byte>> atAgent, Action<int, ReadOnlySpan<byte>> atViewer)
    {
        agent.Start(message =>
        {
            // The relay stamps every viewer message with its sender's id.
            if (Frames.TryReadHeader(message, out _, out var viewerId) && viewerIndex.TryGetValue(viewerId, out var index))
            {
                atAgent(index, message);
            }
        });
        for (var i = 0; i < viewers.Count; i++)
        {
            var index = i;
            viewers[i].Start(message => atViewer(index, message));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var viewer in viewers)
        {
            await viewer.DisposeAsync();
        }

        await agent.DisposeAsync();
    }

    private static async Task<Envelope> ReceiveUntilAsync(WebSocketMessageReader reader, WebSocket socket, Envelope.PayloadOneofCase payload)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var read = await reader.ReadAsync(socket, timeout.Token);
            if (read.Status != WebSocketReadStatus.Message)
            {
                throw new InvalidOperationException($"The relay closed the socket while waiting for {payload}.");
            }

            try
            {
                if (Frames.TryParse(read.Span, out var envelope) && envelope.PayloadCase == payload)
                {
                    return envelope;
                }
            }
            finally
            {
                reader.Return(read);
            }
        }
    }
}
