using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Tests.Infrastructure;

/// <summary>
/// One real <see cref="ClientWebSocket"/> speaking the GuruConnect protocol: a background loop reads
/// envelopes into a queue (answering <c>Ping</c> unless told not to) and records how the socket closed.
/// Reading can be paused to play a viewer that stops reading. Shutdown is race-free: however the
/// socket ends (closed, dropped by the server, aborted by <see cref="DisposeAsync"/> mid-read), the
/// read loop ends quietly and automatic answers (Pong, <see cref="Reply"/>) sent as it ends are
/// swallowed, so clean-up never throws into a test that already passed.
/// </summary>
public sealed class ProtocolPeer : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket socket;
    private readonly Lock gate = new();
    private readonly List<Envelope> pending = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<Envelope> history = new();
    private readonly TaskCompletionSource<WebSocketCloseStatus?> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly CancellationTokenSource stop = new();
    private readonly Task readLoop;
    private volatile TaskCompletionSource? resume;
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool ended;
    private int disposed;
    private long receivedBytes;

    private ProtocolPeer(ClientWebSocket socket)
    {
        this.socket = socket;
        readLoop = Task.Run(ReadLoopAsync);
    }

    public bool AnswerPings { get; set; } = true;

    /// <summary>An automatic answer to each message read (e.g. a viewer acking the frames it draws).</summary>
    public Func<Envelope, Envelope?>? Reply { get; set; }

    public long ReceivedBytes => Interlocked.Read(ref receivedBytes);

    /// <summary>Every envelope received so far, including those the receive methods skipped.</summary>
    public IReadOnlyList<Envelope> History => history.ToArray();

    public int Count(Envelope.PayloadOneofCase payload) => history.Count(e => e.PayloadCase == payload);

    /// <summary>Completes with the close status when the socket ends (null when it dropped without one).</summary>
    public Task<WebSocketCloseStatus?> Closed => closed.Task;

    public string? CloseDescription => socket.CloseStatusDescription;

    public static async Task<ProtocolPeer> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new ProtocolPeer(socket);
    }

    /// <summary>Attempts a connection that must be refused before the upgrade; returns the HTTP status (never 101).</summary>
    public static async Task<HttpStatusCode> RefusedAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        var refusal = await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(uri, timeout.Token));
        socket.HttpStatusCode.ShouldNotBe(HttpStatusCode.SwitchingProtocols, refusal.Message);
        return socket.HttpStatusCode;
    }

    public async Task SendAsync(Envelope envelope) => await SendRawAsync(Frames.ToBytes(envelope));

    public async Task SendRawAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type = WebSocketMessageType.Binary)
    {
        await sendLock.WaitAsync();
        try
        {
            using var timeout = new CancellationTokenSource(DefaultTimeout);
            await socket.SendAsync(message, type, endOfMessage: true, timeout.Token);
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>
    /// Sends one binary message of <paramref name="total"/> zero bytes in <paramref name="chunk"/>-sized frames,
    /// so the client never holds (or masks) the whole message at once.
    /// </summary>
    public async Task SendFragmentedAsync(int total, int chunk = 64 * 1024)
    {
        var zeros = new byte[chunk];
        await sendLock.WaitAsync();
        try
        {
            using var timeout = new CancellationTokenSource(DefaultTimeout);
            for (var sent = 0; sent < total; sent += chunk)
            {
                var size = Math.Min(chunk, total - sent);
                await socket.SendAsync(zeros.AsMemory(0, size), WebSocketMessageType.Binary, endOfMessage: sent + size == total, timeout.Token);
            }
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>The next envelope matching <paramref name="match"/>; others before it are skipped. Fails after the timeout.</summary>
    public async Task<Envelope> ReceiveAsync(Func<Envelope, bool> match, TimeSpan? timeout = null) =>
        await TryReceiveAsync(match, timeout ?? DefaultTimeout) ?? throw new TimeoutException("No matching message arrived.");

    public Task<Envelope> ReceiveAsync(Envelope.PayloadOneofCase payload, TimeSpan? timeout = null) =>
        ReceiveAsync(e => e.PayloadCase == payload, timeout);

    /// <summary>
    /// The first unconsumed envelope matching <paramref name="match"/>, waiting for it if needed; others stay
    /// queued for later receives. Null if none arrives in time or the socket ended first.
    /// </summary>
    public async Task<Envelope?> TryReceiveAsync(Func<Envelope, bool> match, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            Task next;
            lock (gate)
            {
                var index = pending.FindIndex(e => match(e));
                if (index >= 0)
                {
                    var found = pending[index];
                    pending.RemoveAt(index);
                    return found;
                }

                if (ended)
                {
                    return null;
                }

                next = arrived.Task;
            }

            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            await Task.WhenAny(next, Task.Delay(left));
        }
    }

    /// <summary>Everything received and not yet consumed, without waiting.</summary>
    public List<Envelope> Drain()
    {
        lock (gate)
        {
            var all = pending.ToList();
            pending.Clear();
            return all;
        }
    }

    /// <summary>Stops reading from the socket (after any read already in progress), so the server's sends back up.</summary>
    public void PauseReading() => resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ResumeReading() => Interlocked.Exchange(ref resume, null)?.TrySetResult();

    /// <summary>Waits for the socket to close; fails the test unless it does within <paramref name="within"/>.</summary>
    public async Task<WebSocketCloseStatus?> ShouldCloseWithinAsync(TimeSpan within)
    {
        var finished = await Task.WhenAny(Closed, Task.Delay(within));
        finished.ShouldBe(Closed, $"the socket was still open after {within.TotalMilliseconds} ms");
        return await Closed;
    }

    public async Task CloseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }

            await Closed.WaitAsync(timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        ResumeReading();
        await CloseAsync();
        await stop.CancelAsync();
        socket.Abort();
        // The loop catches every way a socket ends, so this does not throw; automatic answers still in
        // flight may touch the socket after this, hence sendLock (no wait handle) is never disposed.
        await readLoop;
        socket.Dispose();
        stop.Dispose();
    }

    private static bool IsSocketEnd(Exception e) =>
        e is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException;

    private async Task SendQuietlyAsync(Envelope envelope)
    {
        try
        {
            await SendAsync(envelope);
        }
        catch (Exception e) when (IsSocketEnd(e) || e is InvalidOperationException)
        {
            // The socket ended while this answer was on its way.
        }
    }

    private void Signal(Envelope? envelope)
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            if (envelope is null)
            {
                ended = true;
            }
            else
            {
                pending.Add(envelope);
            }

            wake = arrived;
            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    // Completes the close handshake the server started, as a well-behaved client does.
    private async Task AnswerCloseAsync()
    {
        if (socket.State != WebSocketState.CloseReceived)
        {
            return;
        }

        await sendLock.WaitAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            sendLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var reader = new WebSocketMessageReader(64 * 1024 * 1024);
        try
        {
            while (true)
            {
                if (resume is { } paused)
                {
                    await paused.Task.WaitAsync(stop.Token);
                }

                var read = await reader.ReadAsync(socket, stop.Token);
                if (read.Status != WebSocketReadStatus.Message)
                {
                    await AnswerCloseAsync();
                    break;
                }

                try
                {
                    Interlocked.Add(ref receivedBytes, read.Length);
                    if (Frames.TryParse(read.Span, out var envelope))
                    {
                        if (envelope.PayloadCase == Envelope.PayloadOneofCase.Ping && AnswerPings)
                        {
                            _ = SendQuietlyAsync(new Envelope { Pong = new Pong { Nonce = envelope.Ping.Nonce } });
                        }

                        if (Reply?.Invoke(envelope) is { } reply)
                        {
                            _ = SendQuietlyAsync(reply);
                        }

                        history.Enqueue(envelope);
                        Signal(envelope);
                    }
                }
                finally
                {
                    reader.Return(read);
                }
            }
        }
        catch (Exception e) when (IsSocketEnd(e))
        {
            // Dropped, reset or aborted (DisposeAsync aborts a read in progress): the socket has ended.
        }
        finally
        {
            Signal(null);
            closed.TrySetResult(socket.CloseStatus);
        }
    }
}
