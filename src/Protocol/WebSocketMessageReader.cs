using System.Buffers;
using System.Net.WebSockets;

namespace GuruConnect.Protocol;

/// <summary>
/// Reads one whole binary WebSocket message at a time into a buffer rented from an
/// <see cref="ArrayPool{T}"/>, with a hard size cap enforced before the buffer grows (docs/protocol.md
/// "Limits and fairness": checked by the socket reader before allocation).
/// </summary>
/// <remarks>
/// <para>
/// Nothing is rented while waiting for a message to start (a zero-byte receive), so idle
/// connections hold no buffer. The buffer then starts small and doubles, never beyond the cap.
/// The normal ways a read ends — a message, an oversized message, a text message, the peer
/// closing, vanishing or being aborted by another task — are <see cref="WebSocketReadResult"/>
/// values, not exceptions. Only cancelling the token throws <see cref="OperationCanceledException"/>
/// (and aborts the socket, as <see cref="WebSocket.ReceiveAsync(Memory{byte}, CancellationToken)"/> does).
/// </para>
/// <para>
/// The reader holds no per-connection state: one instance per plane can serve every socket.
/// Like any WebSocket receive, at most one read may be in progress per socket.
/// </para>
/// </remarks>
public sealed class WebSocketMessageReader
{
    /// <summary>First buffer size when the cap is larger: most messages (input, acks, pings) are tiny.</summary>
    public const int DefaultInitialBufferBytes = 4 * 1024;

    // Receives the one byte that proves a message exceeds the cap; its content is discarded, so
    // concurrent readers may share it.
    private static readonly byte[] OverflowProbe = new byte[1];

    private readonly ArrayPool<byte> pool;
    private readonly int initialBufferBytes;

    /// <summary>Creates a reader renting from <see cref="ArrayPool{T}.Shared"/>.</summary>
    /// <param name="maxMessageBytes">The largest message accepted, e.g. <see cref="ProtocolLimits.MaxAgentMessageBytes"/>.</param>
    public WebSocketMessageReader(int maxMessageBytes)
        : this(maxMessageBytes, ArrayPool<byte>.Shared)
    {
    }

    /// <summary>Creates a reader renting from <paramref name="pool"/>.</summary>
    /// <param name="maxMessageBytes">The largest message accepted, e.g. <see cref="ProtocolLimits.MaxAgentMessageBytes"/>.</param>
    /// <param name="pool">Where message buffers are rented from; <see cref="Return"/> gives them back.</param>
    /// <param name="initialBufferBytes">The first buffer size asked of the pool (capped at <paramref name="maxMessageBytes"/>).</param>
    public WebSocketMessageReader(int maxMessageBytes, ArrayPool<byte> pool, int initialBufferBytes = DefaultInitialBufferBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialBufferBytes);
        MaxMessageBytes = maxMessageBytes;
        this.pool = pool;
        this.initialBufferBytes = Math.Min(initialBufferBytes, maxMessageBytes);
    }

    /// <summary>The largest message, in bytes, this reader accepts; one byte more is <see cref="WebSocketReadStatus.TooLarge"/>.</summary>
    public int MaxMessageBytes { get; }

    /// <summary>Reads the next whole message from <paramref name="socket"/>.</summary>
    /// <returns>
    /// <see cref="WebSocketReadStatus.Message"/> with a rented buffer the caller must hand to
    /// <see cref="Return"/>; otherwise <see cref="WebSocketReadStatus.TooLarge"/>,
    /// <see cref="WebSocketReadStatus.NotBinary"/> or <see cref="WebSocketReadStatus.Closed"/>, with
    /// no buffer (see each status for what the caller should do).
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<WebSocketReadResult> ReadAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        byte[]? buffer = null;
        try
        {
            // Wait for the next frame header without holding a buffer.
            var received = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return WebSocketReadResult.Closed(socket.CloseStatus, socket.CloseStatusDescription);
            }

            if (received.MessageType != WebSocketMessageType.Binary)
            {
                return WebSocketReadResult.NotBinary;
            }

            if (received.EndOfMessage)
            {
                return WebSocketReadResult.Message([], 0);
            }

            buffer = pool.Rent(initialBufferBytes);
            var length = 0;
            while (true)
            {
                var window = Math.Min(buffer.Length, MaxMessageBytes);
                if (length == window)
                {
                    if (window == MaxMessageBytes)
                    {
                        // Full at the cap and not finished: one more byte means too large.
                        received = await socket.ReceiveAsync(OverflowProbe.AsMemory(), cancellationToken);
                        if (received.Count > 0)
                        {
                            return WebSocketReadResult.TooLarge;
                        }
                    }
                    else
                    {
                        buffer = Grow(buffer, length);
                        continue;
                    }
                }
                else
                {
                    received = await socket.ReceiveAsync(buffer.AsMemory(length, window - length), cancellationToken);
                    length += received.Count;
                }

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return WebSocketReadResult.Closed(socket.CloseStatus, socket.CloseStatusDescription);
                }

                if (received.EndOfMessage)
                {
                    var message = WebSocketReadResult.Message(buffer, length);
                    buffer = null;
                    return message;
                }
            }
        }
        catch (WebSocketException)
        {
            // The peer vanished without a close handshake (ConnectionClosedPrematurely) or broke the
            // WebSocket framing; either way the connection is over.
            return WebSocketReadResult.Closed(null, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Another task aborted the socket (e.g. the server superseding or revoking this
            // connection): ManagedWebSocket reports that as a cancellation nobody asked for.
            return WebSocketReadResult.Closed(null, null);
        }
        finally
        {
            if (buffer is not null)
            {
                pool.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Gives the buffer of a <see cref="WebSocketReadStatus.Message"/> result back to the pool. Call
    /// exactly once per message result, after the last use of its bytes; other results own nothing.
    /// </summary>
    public void Return(in WebSocketReadResult result)
    {
        if (result.Buffer is { Length: > 0 } buffer)
        {
            pool.Return(buffer);
        }
    }

    private byte[] Grow(byte[] buffer, int length)
    {
        var size = (int)Math.Min((long)buffer.Length * 2, MaxMessageBytes);
        var larger = pool.Rent(size);
        buffer.AsSpan(0, length).CopyTo(larger);
        pool.Return(buffer);
        return larger;
    }
}
