using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using GuruConnect.Agent.Retry;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// Many agents in this process, each a real WebSocket to <c>/ws/agent</c> from one of several loopback
/// source addresses (127.0.0.2…), authenticated with its own <c>cak_</c>. Each runs the real agent's
/// reconnect loop (src/Agent/Transport/AgentLink.cs): after any drop it waits <see cref="Backoff.Next"/> —
/// 1 s doubling to 60 s, each delay jittered in [ceiling / 2, ceiling] — and dials again, until stopped.
/// Records when each agent was attached (hello answered by the relay) and every failed attempt by kind.
/// </summary>
internal sealed class Swarm : IAsyncDisposable
{
    private readonly Func<Uri> endpoint;
    private readonly HttpMessageInvoker[] invokers;
    private readonly SwarmAgent[] agents;
    private readonly CancellationTokenSource stop = new();
    private readonly WebSocketMessageReader reader = new(64 * 1024);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> failures = new();
    private Task[] loops = [];
    private int disposed;

    private readonly Enroll? enroll;
    private readonly TimeSpan startSpread;

    public Swarm(Func<Uri> endpoint, IReadOnlyList<(string Uid, string Key)> machines, int sourceAddresses = 8)
        : this(endpoint, machines.Select(m => (m.Uid, (string?)m.Key)).ToArray(), null, TimeSpan.Zero, sourceAddresses)
    {
    }

    /// <summary>
    /// Agents that first enroll (<paramref name="enroll"/>, retried with the same backoff until it hands out a key),
    /// each starting at a random moment within <paramref name="startSpread"/>, as a fleet being installed does.
    /// </summary>
    public Swarm(Func<Uri> endpoint, IReadOnlyList<string> uids, Enroll enroll, TimeSpan startSpread, int sourceAddresses = 8)
        : this(endpoint, uids.Select(u => (u, (string?)null)).ToArray(), enroll, startSpread, sourceAddresses)
    {
    }

    private Swarm(Func<Uri> endpoint, IReadOnlyList<(string Uid, string? Key)> machines, Enroll? enroll, TimeSpan startSpread, int sourceAddresses)
    {
        this.endpoint = endpoint;
        this.enroll = enroll;
        this.startSpread = startSpread;
        invokers = Enumerable.Range(0, sourceAddresses).Select(i => BoundInvoker(IPAddress.Parse($"127.0.0.{2 + i}"))).ToArray();
        agents = machines.Select((m, i) => new SwarmAgent(i, m.Uid, new Backoff(Backoff.DefaultInitial, Backoff.DefaultMaximum, new Random(i).NextDouble)) { Key = m.Key }).ToArray();
    }

    /// <summary>One enrollment attempt: the <c>cak_</c> key, or null and what went wrong (counted as a failure).</summary>
    public delegate Task<(string? Key, string? Failure)> Enroll(string uid, CancellationToken cancellationToken);

    /// <summary>Each agent's key: the one it was seeded with or enrolled for, and when it got it (null: none yet).</summary>
    public IReadOnlyList<(string Uid, string? Key, long? ReceivedAt)> Keys => agents.Select(a => (a.Uid, a.Key, a.KeyReceivedAt)).ToArray();

    public int Enrolled => agents.Count(a => a.Key is not null);

    public int Count => agents.Length;

    /// <summary>Agents attached right now.</summary>
    public int Attached => agents.Count(a => a.IsAttached);

    /// <summary>Failed attempts so far, by kind (HTTP status before the upgrade, socket error, close after it).</summary>
    public IReadOnlyDictionary<string, int> Failures => failures;

    public int FailureCount => failures.Values.Sum();

    /// <summary>Every agent starts its loop; at most <paramref name="concurrency"/> first dials at a time.</summary>
    public void Start(int concurrency = 64)
    {
        var gate = new SemaphoreSlim(concurrency);
        loops = agents.Select(agent => Task.Run(() => RunAsync(agent, gate))).ToArray();
    }

    /// <summary>Waits until every agent is attached; fails with the count and the failures when <paramref name="limit"/> passes.</summary>
    public async Task AllAttachedAsync(TimeSpan limit, string because)
    {
        var clock = Stopwatch.StartNew();
        while (Attached < agents.Length)
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"{because}: {Attached}/{agents.Length} attached after {limit.TotalSeconds:0} s; failures {Describe(Failures)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Per agent, the first attach at or after <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp), as time since then.</summary>
    public TimeSpan[] BackSince(long since) => agents
        .Select(a => a.FirstAttachAfter(since) is { } at ? Stopwatch.GetElapsedTime(since, at) : TimeSpan.MaxValue)
        .ToArray();

    /// <summary>Waits until no agent is attached (the server stopped); fails when <paramref name="limit"/> passes first.</summary>
    public async Task AllDroppedAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (agents.Any(a => a.IsAttached))
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"{agents.Count(a => a.IsAttached)} agents still attached {limit.TotalSeconds:0} s after the server stopped");
            }

            await Task.Delay(50);
        }
    }

    public static string Describe(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderByDescending(c => c.Value).Select(c => $"{c.Key} ×{c.Value}"));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync();
        foreach (var agent in agents)
        {
            agent.Abort();
        }

        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var invoker in invokers)
        {
            invoker.Dispose();
        }

        stop.Dispose();
    }

    // The real agent's loop (AgentLink.RunAsync): dial, serve until the socket ends, back off, dial again.
    private async Task RunAsync(SwarmAgent agent, SemaphoreSlim firstDial)
    {
        var gate = firstDial; // held from the first dial until that connection is attached or has failed
        try
        {
            if (startSpread > TimeSpan.Zero)
            {
                await Task.Delay(startSpread * new Random(agent.Index + 7919).NextDouble(), stop.Token);
            }

            while (agent.Key is null && enroll is not null)
            {
                var (key, failure) = await enroll(agent.Uid, stop.Token);
                if (key is not null)
                {
                    agent.KeyReceived(key);
                    agent.Backoff.Reset(); // the link's backoff is its own (src/Agent/Transport/AgentLink.cs)
                    break;
                }

                Fail("enroll " + failure);
                await Task.Delay(agent.Backoff.Next(), stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            var attached = false;
            try
            {
                if (gate is not null)
                {
                    await gate.WaitAsync(stop.Token).ConfigureAwait(false);
                }

                attached = await ServeAsync(agent, () => Interlocked.Exchange(ref gate, null)?.Release());
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                Interlocked.Exchange(ref gate, null)?.Release();
            }

            // A connection that lasted is not a failure streak (the agent's StableConnection rule, shortened:
            // in these runs every connection that got attached counts as stable).
            if (attached)
            {
                agent.Backoff.Reset();
            }

            try
            {
                await Task.Delay(agent.Backoff.Next(), stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One connection: true when it got attached (whatever ended it later).</summary>
    private async Task<bool> ServeAsync(SwarmAgent agent, Action onAttached)
    {
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + agent.Key);
        agent.Socket = socket;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(endpoint(), invokers[agent.Index % invokers.Length], timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or SocketException ||
                                  (e is OperationCanceledException && !stop.IsCancellationRequested))
        {
            Fail(socket.HttpStatusCode is not 0 and not HttpStatusCode.SwitchingProtocols ? $"HTTP {(int)socket.HttpStatusCode}" : Kind(e));
            return false;
        }

        var nonce = (ulong)agent.Index + 1;
        try
        {
            await Frames.SendAsync(socket, new Envelope
            {
                AgentHello = new AgentHello { Hostname = $"PC-{agent.Index:D5}", MachineUid = agent.Uid, AgentVersion = "1.2.3", OsName = "Linux", MachineUidScope = MachineUidScope.Hardware },
            }, stop.Token);
            await Frames.SendAsync(socket, new Envelope { Ping = new Ping { Nonce = nonce } }, stop.Token);
            var attached = false;
            while (true)
            {
                var read = await reader.ReadAsync(socket, stop.Token);
                if (read.Status != WebSocketReadStatus.Message)
                {
                    if (!attached)
                    {
                        Fail($"closed before attach: {(int?)socket.CloseStatus} {socket.CloseStatusDescription}");
                    }

                    agent.Detached();
                    return attached;
                }

                Envelope? envelope;
                try
                {
                    envelope = Frames.TryParse(read.Span, out var parsed) ? parsed : null;
                }
                finally
                {
                    reader.Return(read);
                }

                switch (envelope?.PayloadCase)
                {
                    case Envelope.PayloadOneofCase.Pong when envelope.Pong.Nonce == nonce && !attached:
                        attached = true;
                        agent.AttachedNow();
                        onAttached();
                        break;
                    case Envelope.PayloadOneofCase.Ping:
                        await Frames.SendAsync(socket, new Envelope { Pong = new Pong { Nonce = envelope.Ping.Nonce } }, stop.Token);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            var wasAttached = agent.IsAttached;
            if (!wasAttached)
            {
                Fail("dropped before attach: " + Kind(e));
            }

            agent.Detached();
            return wasAttached;
        }
    }

    private void Fail(string kind) => failures.AddOrUpdate(kind, 1, (_, n) => n + 1);

    private static string Kind(Exception e) => e switch
    {
        _ when e.InnerException is SocketException socket => socket.SocketErrorCode.ToString(),
        _ when e.InnerException?.InnerException is SocketException socket => socket.SocketErrorCode.ToString(),
        OperationCanceledException => "timeout",
        _ => e.GetType().Name,
    };

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

    private sealed class SwarmAgent(int index, string uid, Backoff backoff)
    {
        private readonly Lock gate = new();
        private readonly List<long> attaches = [];

        public int Index => index;

        public string Uid => uid;

        public string? Key { get; set; }

        public long? KeyReceivedAt { get; private set; }

        public Backoff Backoff => backoff;

        public ClientWebSocket? Socket { get; set; }

        public bool IsAttached { get; private set; }

        public void AttachedNow()
        {
            lock (gate)
            {
                attaches.Add(Stopwatch.GetTimestamp());
                IsAttached = true;
            }
        }

        public void Detached() => IsAttached = false;

        public void KeyReceived(string key)
        {
            KeyReceivedAt = Stopwatch.GetTimestamp();
            Key = key;
        }

        public long? FirstAttachAfter(long since)
        {
            lock (gate)
            {
                return attaches.Where(a => a >= since).Select(a => (long?)a).FirstOrDefault();
            }
        }

        public void Abort() => Socket?.Abort();
    }
}
