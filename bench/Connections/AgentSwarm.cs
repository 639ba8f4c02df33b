using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Bench.Connections;

/// <summary>
/// The client side, run as a child process so its memory and CPU are not the server's: N agents, each a
/// real WebSocket from one of 127.0.0.2–127.0.0.50 (so no single source address runs out of ports),
/// authenticated with its own <c>cak_</c>, saying hello, answering the server's pings and sending its own
/// every 20 s (spread evenly). Runs until its standard input closes.
/// </summary>
internal sealed class AgentSwarm(Uri server, IReadOnlyList<string> keys)
{
    private const int SourceAddresses = 49;
    private static readonly byte[] s_ping = Frames.ToBytes(new Envelope { Ping = new Ping { Nonce = 1 } });
    private readonly WebSocketMessageReader reader = new(64 * 1024);
    private readonly Agent[] agents = new Agent[keys.Count];

    public async Task RunAsync(int concurrency, TextWriter log)
    {
        var invokers = Enumerable.Range(0, SourceAddresses).Select(i => BoundInvoker(IPAddress.Parse($"127.0.0.{2 + i}"))).ToArray();
        var uri = new UriBuilder(server) { Scheme = "ws", Path = "/ws/agent" }.Uri;
        using var gate = new SemaphoreSlim(concurrency);
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, keys.Count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                agents[i] = await ConnectAsync(uri, invokers[i % SourceAddresses], keys[i], i);
            }
            catch (Exception e) when (e is WebSocketException or IOException or SocketException or OperationCanceledException)
            {
                if (Interlocked.Increment(ref failures) <= 5)
                {
                    log.WriteLine($"agent {i}: {e.Message}");
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        Console.Out.WriteLine($"connected {keys.Count - failures} failed {failures}");
        Console.Out.Flush();

        using var stop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(stop.Token);
        await Console.In.ReadToEndAsync(); // the parent closes our stdin to stop us
        await stop.CancelAsync();
        await heartbeat;
        foreach (var agent in agents)
        {
            agent?.Dispose();
        }
    }

    private async Task<Agent> ConnectAsync(Uri uri, HttpMessageInvoker invoker, string key, int index)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await socket.ConnectAsync(uri, invoker, timeout.Token);
        var agent = new Agent(socket);
        await agent.SendAsync(Frames.ToBytes(new Envelope { AgentHello = new AgentHello { Hostname = $"PC-{index:D6}", MachineUid = $"bench-{index:D6}", AgentVersion = "bench" } }));
        _ = ReceiveAsync(agent);
        return agent;
    }

    private async Task ReceiveAsync(Agent agent)
    {
        while (true)
        {
            var read = await reader.ReadAsync(agent.Socket, CancellationToken.None);
            if (read.Status != WebSocketReadStatus.Message)
            {
                return;
            }

            try
            {
                if (Frames.TryParse(read.Span, out var envelope) && envelope.PayloadCase == Envelope.PayloadOneofCase.Ping)
                {
                    await agent.SendAsync(Frames.ToBytes(new Envelope { Pong = new Pong { Nonce = envelope.Ping.Nonce } }));
                }
            }
            finally
            {
                reader.Return(read);
            }
        }
    }

    // Each agent pings every 20 s, the swarm spread evenly over the interval.
    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var interval = ProtocolLimits.HeartbeatInterval;
        var tick = TimeSpan.FromMilliseconds(250);
        var perTick = Math.Max(1, (int)Math.Ceiling(agents.Length * tick / interval));
        var next = 0;
        using var timer = new PeriodicTimer(tick);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                for (var n = 0; n < perTick; n++, next = (next + 1) % agents.Length)
                {
                    if (agents[next] is { } agent)
                    {
                        _ = agent.SendAsync(s_ping);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static HttpMessageInvoker BoundInvoker(IPAddress source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    });

    private sealed class Agent(ClientWebSocket socket) : IDisposable
    {
        private readonly SemaphoreSlim sendLock = new(1, 1);

        public ClientWebSocket Socket => socket;

        public void Dispose()
        {
            socket.Abort();
            socket.Dispose();
            sendLock.Dispose();
        }

        public async Task SendAsync(byte[] message)
        {
            await sendLock.WaitAsync();
            try
            {
                await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
            {
            }
            finally
            {
                sendLock.Release();
            }
        }
    }
}
