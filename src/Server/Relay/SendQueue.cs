using System.Net.WebSockets;
using System.Threading.Channels;

namespace GuruConnect.Server.Relay;

/// <summary>
/// The messages waiting for one socket, bounded in bytes of buffer held (capacity, not just message
/// length, so the bound is a memory bound), and the one loop that sends them (a WebSocket allows one
/// send at a time). docs/protocol.md "Limits and fairness": a peer that stops reading never grows server memory
/// without bound.
/// </summary>
/// <remarks>
/// Droppable messages (video frames, cursor moves, relayed input) are admitted up to the bound; the rest
/// (control messages a peer must not miss) may use a quarter more, and past that the peer is hopeless and
/// the caller disconnects it. One message is always admitted into an empty queue, so the most a queue
/// holds is max(bound + slack, one message).
/// </remarks>
internal sealed class SendQueue
{
    private readonly Channel<OutgoingFrame> channel = Channel.CreateUnbounded<OutgoingFrame>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly long softLimit;
    private readonly long hardLimit;
    private long queued;
    private long peak;

    public SendQueue(long limit)
    {
        softLimit = limit;
        hardLimit = limit + Math.Max(limit / 4, 64 * 1024);
    }

    /// <summary>Bytes of buffer held by messages waiting or being sent now.</summary>
    public long QueuedBytes => Volatile.Read(ref queued);

    /// <summary>The most bytes ever waiting at once (tests measure the bound with it).</summary>
    public long PeakQueuedBytes => Volatile.Read(ref peak);

    public long Limit => softLimit;

    /// <summary>Queues <paramref name="frame"/> (taking its own reference) unless the bound says no.</summary>
    public EnqueueResult TryEnqueue(OutgoingFrame frame, bool droppable)
    {
        var cost = frame.Capacity;
        var limit = droppable ? softLimit : hardLimit;
        long after;
        var current = Volatile.Read(ref queued);
        while (true)
        {
            // Compare-and-swap rather than add-then-undo: the count never shows a message that was refused.
            after = current + cost;
            if (after > limit && current != 0)
            {
                return droppable ? EnqueueResult.Dropped : EnqueueResult.Overflow;
            }

            var seen = Interlocked.CompareExchange(ref queued, after, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        frame.AddReference();
        if (!channel.Writer.TryWrite(frame))
        {
            Interlocked.Add(ref queued, -cost);
            frame.Release();
            return EnqueueResult.Closed;
        }

        RaisePeak(after);
        return EnqueueResult.Queued;
    }

    /// <summary>No more messages: the send loop ends once it has sent what is queued.</summary>
    public void Complete() => channel.Writer.TryComplete();

    /// <summary>
    /// Sends queued messages until <see cref="Complete"/> was called and the queue is empty (true), or
    /// until the socket fails or <paramref name="cancellationToken"/> fires (false). Whatever is left is
    /// released, so pooled buffers always go back.
    /// </summary>
    public async Task<bool> SendAllAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var reader = channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var frame))
                {
                    try
                    {
                        await socket.SendAsync(frame.Memory, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
                    }
                    finally
                    {
                        Interlocked.Add(ref queued, -frame.Capacity);
                        frame.Release();
                    }
                }
            }

            return true;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The peer vanished or the connection was aborted: the normal ways a send loop ends early.
            return false;
        }
        finally
        {
            channel.Writer.TryComplete();
            while (reader.TryRead(out var frame))
            {
                Interlocked.Add(ref queued, -frame.Capacity);
                frame.Release();
            }
        }
    }

    private void RaisePeak(long value)
    {
        var current = Volatile.Read(ref peak);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref peak, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
