using System.Net.WebSockets;
using System.Threading.Channels;
using GuruConnect.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Bench.Relay;

/// <summary>
/// A second reference between the two: the agent's socket ends in a bare Kestrel WebSocket endpoint that
/// is the "viewer" itself — one hop through the same transport the relay uses, no relaying. The relay's
/// own cost is the gap between this and the relay.
/// </summary>
internal sealed class KestrelHopRig : IRig
{
    private readonly WebApplication app;
    private readonly List<(BenchSocket Agent, BenchSocket Viewer, TaskCompletionSource Done)> pairs = [];

    private KestrelHopRig(WebApplication app) => this.app = app;

    public string Name => "kestrel hop";

    public int Viewers => pairs.Count;

    public static async Task<KestrelHopRig> CreateAsync(int viewers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var accepted = Channel.CreateUnbounded<(WebSocket Socket, TaskCompletionSource Done)>();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/hop", async (HttpContext context) =>
        {
            var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero });
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await accepted.Writer.WriteAsync((socket, done));
            await done.Task; // the request stays open while the rig uses the socket
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var rig = new KestrelHopRig(app);
        for (var i = 0; i < viewers; i++)
        {
            var client = new ClientWebSocket();
            client.Options.KeepAliveInterval = TimeSpan.Zero;
            await client.ConnectAsync(new UriBuilder(address) { Scheme = "ws", Path = "/hop" }.Uri, CancellationToken.None);
            var (server, done) = await accepted.Reader.ReadAsync();
            rig.pairs.Add((new BenchSocket(client, ProtocolLimits.MaxAgentMessageBytes), new BenchSocket(server, ProtocolLimits.MaxAgentMessageBytes), done));
        }

        return rig;
    }

    public async Task AgentSendAsync(ReadOnlyMemory<byte> message)
    {
        foreach (var (agent, _, _) in pairs)
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
        foreach (var (agent, viewer, done) in pairs)
        {
            await agent.DisposeAsync();
            await viewer.DisposeAsync();
            done.TrySetResult();
        }

        await app.StopAsync();
        await app.DisposeAsync();
    }
}
