using System.Net.Http.Headers;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Tests.Infrastructure;

/// <summary>
/// A protocol-level agent on a real WebSocket to <c>/ws/agent</c>: presents a key, says hello, sends
/// status and frames, and reads what the server relays. Enough to test the relay without the real agent.
/// </summary>
public sealed class FakeAgent : IAsyncDisposable
{
    private static long s_nonce;

    private FakeAgent(ProtocolPeer peer) => Peer = peer;

    public ProtocolPeer Peer { get; }

    public static Uri Endpoint(GuruServer server, string? query = null) =>
        new UriBuilder(server.BaseAddress) { Scheme = "ws", Path = "/ws/agent", Query = query ?? string.Empty }.Uri;

    /// <summary>
    /// Connects with <paramref name="key"/>, sends <c>AgentHello</c>, and (unless <paramref name="hello"/> is
    /// false) waits until the server has attached the agent to its session — proven by a <c>Pong</c>, which
    /// the server only answers from the relay loop.
    /// </summary>
    public static async Task<FakeAgent> ConnectAsync(GuruServer server, string key, string uid = "uid-1", string hostname = "PC-01", bool hello = true)
    {
        var peer = await ProtocolPeer.ConnectAsync(Endpoint(server), o => o.SetRequestHeader("Authorization", new AuthenticationHeaderValue("Bearer", key).ToString()));
        var agent = new FakeAgent(peer);
        if (hello)
        {
            await agent.SendHelloAsync(uid, hostname);
            await agent.PingAsync();
        }

        return agent;
    }

    /// <summary>An attended support agent: connects with <c>?supportCode=</c> and no bearer, says hello, waits to be attached.</summary>
    public static async Task<FakeAgent> ConnectSupportAsync(GuruServer server, string code, string hostname = "JANES-LAPTOP")
    {
        var peer = await ProtocolPeer.ConnectAsync(Endpoint(server, "supportCode=" + code));
        var agent = new FakeAgent(peer);
        await agent.SendHelloAsync(string.Empty, hostname);
        await agent.PingAsync();
        return agent;
    }

    /// <summary>A connection attempt that must be refused before the upgrade; the HTTP status it got.</summary>
    public static Task<HttpStatusCode> RefusedAsync(GuruServer server, string? bearer, string? query = null) =>
        ProtocolPeer.RefusedAsync(Endpoint(server, query), o =>
        {
            if (bearer is not null)
            {
                o.SetRequestHeader("Authorization", "Bearer " + bearer);
            }
        });

    public Task SendHelloAsync(string uid, string hostname, string version = "1.2.3") => Peer.SendAsync(new Envelope
    {
        AgentHello = new AgentHello
        {
            Hostname = hostname,
            AgentVersion = version,
            OsName = "Linux",
            MachineUid = uid,
            MachineUidScope = MachineUidScope.Hardware,
        },
    });

    /// <summary>Sends <c>Ping</c> and waits for the matching <c>Pong</c>: everything sent before it has been handled.</summary>
    public async Task PingAsync()
    {
        var nonce = (ulong)Interlocked.Increment(ref s_nonce);
        await Peer.SendAsync(new Envelope { Ping = new Ping { Nonce = nonce } });
        await Peer.ReceiveAsync(e => e.PayloadCase == Envelope.PayloadOneofCase.Pong && e.Pong.Nonce == nonce);
    }

    public Task SendAsync(Envelope envelope) => Peer.SendAsync(envelope);

    public Task SendFrameAsync(ulong seq, int bytes, string viewerId = "") => Peer.SendAsync(Frame(seq, bytes, viewerId));

    public static Envelope Frame(ulong seq, int bytes, string viewerId = "") => new()
    {
        ViewerId = viewerId,
        VideoFrame = new VideoFrame
        {
            Seq = seq,
            Width = 1920,
            Height = 1080,
            Tiles = { new Tile { W = 64, H = 64, Encoding = TileEncoding.ZstdBgra, Data = Google.Protobuf.ByteString.CopyFrom(new byte[bytes]) } },
        },
    };

    public Task<Envelope> ReceiveAsync(Envelope.PayloadOneofCase payload, TimeSpan? timeout = null) => Peer.ReceiveAsync(payload, timeout);

    public ValueTask DisposeAsync() => Peer.DisposeAsync();
}
