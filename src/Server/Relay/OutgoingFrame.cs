using System.Buffers;
using Google.Protobuf;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Relay;

/// <summary>
/// One serialized envelope in a buffer from <see cref="ArrayPool{T}.Shared"/>, shared by every send
/// queue it is fanned out to. Reference counted: the creator holds one reference, each queue takes one,
/// and the buffer goes back to the pool when the last is released — so a 4 MiB frame to ten viewers is
/// one buffer, never ten copies.
/// </summary>
internal sealed class OutgoingFrame
{
    private readonly byte[] buffer;
    private int references = 1;

    private OutgoingFrame(byte[] buffer, int length)
    {
        this.buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    /// <summary>The memory this frame holds (its buffer's size): what send queues count against their bound.</summary>
    public int Capacity => Math.Max(buffer.Length, Length);

    public ReadOnlyMemory<byte> Memory => buffer.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => buffer.AsSpan(0, Length);

    /// <summary>
    /// Takes ownership of a buffer rented from <see cref="ArrayPool{T}.Shared"/> (e.g. a reader's message
    /// buffer). A message using less than half of it is moved to a right-sized buffer first, so a small
    /// message never pins a large buffer in a queue (queues count capacity, not length).
    /// </summary>
    public static OutgoingFrame Own(byte[] pooled, int length)
    {
        if (pooled.Length <= 2 * length || pooled.Length <= 256)
        {
            return new OutgoingFrame(pooled, length);
        }

        var frame = new OutgoingFrame(Rent(length), length);
        pooled.AsSpan(0, length).CopyTo(frame.buffer);
        ArrayPool<byte>.Shared.Return(pooled);
        return frame;
    }

    /// <summary>Serializes a server-originated envelope into a pooled buffer.</summary>
    public static OutgoingFrame From(Envelope envelope)
    {
        var size = envelope.CalculateSize();
        var frame = new OutgoingFrame(Rent(size), size);
        envelope.WriteTo(frame.buffer.AsSpan(0, size));
        return frame;
    }

    /// <summary>
    /// <paramref name="message"/> followed by <paramref name="suffix"/>: how the relay stamps
    /// <c>viewer_id</c> on a viewer's message without re-encoding it (a later field occurrence wins).
    /// </summary>
    public static OutgoingFrame Concat(ReadOnlySpan<byte> message, ReadOnlySpan<byte> suffix)
    {
        var frame = new OutgoingFrame(Rent(message.Length + suffix.Length), message.Length + suffix.Length);
        message.CopyTo(frame.buffer);
        suffix.CopyTo(frame.buffer.AsSpan(message.Length));
        return frame;
    }

    public void AddReference() => Interlocked.Increment(ref references);

    public void Release()
    {
        var left = Interlocked.Decrement(ref references);
        if (left == 0 && buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Rent(int size) => size == 0 ? [] : ArrayPool<byte>.Shared.Rent(size);
}
