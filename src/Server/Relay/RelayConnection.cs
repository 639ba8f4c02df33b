using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Relay;

/// <summary>
/// One accepted WebSocket on either plane: its bounded send queue with the one task that sends, its
/// liveness timestamps for the heartbeat sweep, and an idempotent close that always finishes — the
/// close handshake gets <see cref="RelayOptions.CloseGrace"/>, then the socket is aborted.
/// </summary>
internal sealed class RelayConnection : IDisposable
{
    // Receives and discards what a peer still sends after the server's close frame; content is never read.
    private static readonly byte[] Discard = new byte[4096];

    private readonly WebSocket socket;
    private readonly TimeProvider time;
    private readonly TimeSpan closeGrace;
    private readonly CancellationTokenSource lifetime;
    private int closing;
    private long lastReceivedTicks;
    private long lastPingTicks;
    private ulong pingNonce;
    private volatile bool awaitingHello;
    private WebSocketCloseStatus closeStatus = WebSocketCloseStatus.NormalClosure;

    public RelayConnection(WebSocket socket, ConnectionKind kind, long maxQueuedBytes, TimeProvider time, TimeSpan closeGrace, CancellationToken requestAborted)
    {
        this.socket = socket;
        this.time = time;
        this.closeGrace = closeGrace;
        Kind = kind;
        Queue = new SendQueue(maxQueuedBytes);
        lifetime = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        ConnectedAt = time.GetUtcNow();
        lastReceivedTicks = lastPingTicks = ConnectedAt.UtcTicks;
        awaitingHello = kind == ConnectionKind.Agent;
    }

    public ConnectionKind Kind { get; }

    public SendQueue Queue { get; }

    public WebSocket Socket => socket;

    /// <summary>Cancelled when the connection must end now (close grace over, transport gone).</summary>
    public CancellationToken Lifetime => lifetime.Token;

    public DateTimeOffset ConnectedAt { get; }

    public DateTimeOffset LastReceivedAt => new(Interlocked.Read(ref lastReceivedTicks), TimeSpan.Zero);

    public DateTimeOffset LastPingAt => new(Interlocked.Read(ref lastPingTicks), TimeSpan.Zero);

    /// <summary>An agent before its <c>AgentHello</c> (docs/protocol.md: within 10 s or closed).</summary>
    public bool AwaitingHello
    {
        get => awaitingHello;
        set => awaitingHello = value;
    }

    public bool IsClosing => Volatile.Read(ref closing) == 1;

    /// <summary>Why the server closed it (<see cref="CloseReasons"/>); null while open or when the peer left on its own.</summary>
    public string? CloseReason { get; private set; }

    public void MarkReceived() => Interlocked.Exchange(ref lastReceivedTicks, time.GetUtcNow().UtcTicks);

    /// <summary>Queues a message; a peer so far behind that even control messages overflow is disconnected.</summary>
    public EnqueueResult Send(OutgoingFrame frame, bool droppable)
    {
        var result = Queue.TryEnqueue(frame, droppable);
        if (result == EnqueueResult.Overflow)
        {
            Close(WebSocketCloseStatus.PolicyViolation, CloseReasons.TooSlow);
        }

        return result;
    }

    /// <summary>Queues a server-originated control message (never dropped for being large).</summary>
    public EnqueueResult Send(Envelope envelope)
    {
        var frame = OutgoingFrame.From(envelope);
        try
        {
            return Send(frame, droppable: false);
        }
        finally
        {
            frame.Release();
        }
    }

    /// <summary>Sends <c>Ping</c> if the heartbeat interval has passed since the last one.</summary>
    public void PingIfDue(DateTimeOffset now, TimeSpan interval)
    {
        if (now - LastPingAt < interval)
        {
            return;
        }

        Interlocked.Exchange(ref lastPingTicks, now.UtcTicks);
        Send(new Envelope { Ping = new Ping { Nonce = Interlocked.Increment(ref pingNonce) } });
    }

    /// <summary>
    /// Starts closing: <paramref name="farewell"/> (e.g. <c>Disconnect</c>) and everything queued before
    /// it are sent, then a close frame; after the grace the socket is aborted. Idempotent.
    /// </summary>
    public void Close(WebSocketCloseStatus status, string reason, Envelope? farewell = null)
    {
        if (Interlocked.Exchange(ref closing, 1) == 1)
        {
            return;
        }

        closeStatus = status;
        CloseReason = reason;
        if (farewell is not null)
        {
            var frame = OutgoingFrame.From(farewell);
            Queue.TryEnqueue(frame, droppable: false);
            frame.Release();
        }

        Queue.Complete();
        try
        {
            lifetime.CancelAfter(closeGrace);
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    /// <summary>
    /// Runs the connection: the send loop beside <paramref name="receive"/>, then the close handshake.
    /// Returns how the receive side ended; never throws for the normal ways a connection ends.
    /// </summary>
    public async Task<ConnectionEnd> RunAsync(Func<CancellationToken, Task<ConnectionEnd>> receive)
    {
        var sender = SendThenCloseAsync();
        ConnectionEnd end;
        try
        {
            end = await receive(lifetime.Token);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            end = ConnectionEnd.Aborted;
        }
        catch (Exception)
        {
            // Not a way a connection normally ends: still let the send loop finish, then let it propagate.
            Close(WebSocketCloseStatus.InternalServerError, "server-error");
            throw;
        }

        switch (end)
        {
            case ConnectionEnd.TooLarge:
                Close(WebSocketCloseStatus.MessageTooBig, CloseReasons.TooLarge);
                break;
            case ConnectionEnd.NotBinary:
                Close(WebSocketCloseStatus.InvalidMessageType, CloseReasons.NotBinary);
                break;
            case ConnectionEnd.Malformed:
                Close(WebSocketCloseStatus.InvalidPayloadData, CloseReasons.Malformed);
                break;
            default:
                Close(WebSocketCloseStatus.NormalClosure, CloseReason ?? CloseReasons.Goodbye);
                break;
        }

        await sender;
        await AwaitPeerCloseAsync();
        return end;
    }

    public void Dispose() => lifetime.Dispose();

    private async Task SendThenCloseAsync()
    {
        if (!await Queue.SendAllAsync(socket, lifetime.Token))
        {
            socket.Abort();
            return;
        }

        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(closeStatus, CloseReason, lifetime.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            socket.Abort();
        }
    }

    // After the server's close frame, read (and discard) until the peer answers it, so the peer sees the
    // close status instead of a reset; the grace bounds the wait (an oversized message may still be arriving).
    private async Task AwaitPeerCloseAsync()
    {
        try
        {
            while (socket.State == WebSocketState.CloseSent)
            {
                var received = await socket.ReceiveAsync(Discard.AsMemory(), lifetime.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            socket.Abort();
        }
    }

    /// <summary>How the connection ends for a read that is not a message (both planes), or null for a message.</summary>
    public ConnectionEnd? EndOf(in WebSocketReadResult read) => read.Status switch
    {
        WebSocketReadStatus.TooLarge => ConnectionEnd.TooLarge,
        WebSocketReadStatus.NotBinary => ConnectionEnd.NotBinary,
        WebSocketReadStatus.Closed => IsClosing ? ConnectionEnd.ClosedByServer : ConnectionEnd.PeerClosed,
        _ => null,
    };
}
