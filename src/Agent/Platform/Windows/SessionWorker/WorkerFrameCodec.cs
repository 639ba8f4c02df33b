using System.Buffers;
using System.Buffers.Binary;
using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// The <see cref="WorkerMessage.Frame"/> payload: u32 display id, i32 width, i32 height, u8 flags
/// (1 = the damage is known, 2 = every pixel follows), u32 rectangle count, the rectangles (4 × i32),
/// then BGRA pixels — the whole frame row by row when flag 2 is set, else each damaged rectangle's rows
/// in turn. A typing frame is then a few KB on the pipe instead of the whole screen; the service keeps a
/// mirror of each display (<see cref="WorkerFrameMirror"/>). A 0 × 0 frame means "nothing to capture now".
/// </summary>
internal static class WorkerFrameCodec
{
    public const int MetaSize = 17;
    public const int RectSize = 16;
    public const byte DamageKnownFlag = 1;
    public const byte FullPixelsFlag = 2;

    /// <summary>Wider or taller than any virtual desktop Windows builds.</summary>
    public const int MaxSide = 16384;

    /// <summary>More rectangles than this are sent as "damage unknown" with every pixel.</summary>
    public const int MaxRects = 4096;

    /// <summary>The biggest frame payload: an 8K desktop (7680 × 4320 BGRA) with room for its rectangles.</summary>
    public const int MaxPayload = 160 * 1024 * 1024;

    /// <summary>
    /// Encodes <paramref name="frame"/> into <paramref name="buffer"/> (grown from the shared pool when
    /// short) and returns the payload length. <paramref name="full"/> forces every pixel (the service has
    /// no copy yet, or a new worker): then the damage is sent as unknown.
    /// </summary>
    public static int Encode(uint displayId, in CapturedFrame frame, bool full, Span<PixelRect> scratch, ref byte[] buffer)
    {
        if (frame.IsEmpty)
        {
            Ensure(ref buffer, MetaSize);
            WriteMeta(buffer, displayId, 0, 0, 0, 0);
            return MetaSize;
        }

        if (frame.Width > MaxSide || frame.Height > MaxSide)
            throw new InvalidOperationException($"A {frame.Width}x{frame.Height} frame is larger than the pipe carries.");

        // Asked for every pixel, the worker cannot know what the service's viewers last saw: no damage.
        var damageKnown = frame.DamageKnown && !full;
        var count = 0;
        long damagedPixels = 0;
        if (damageKnown)
        {
            foreach (var rect in frame.Damage)
            {
                var clipped = rect.ClipTo(frame.Width, frame.Height);
                if (clipped.IsEmpty)
                    continue;
                if (count == scratch.Length || count == MaxRects)
                {
                    damageKnown = false;
                    break;
                }

                scratch[count++] = clipped;
                damagedPixels += (long)clipped.Width * clipped.Height;
            }
        }

        if (!damageKnown)
            count = 0;
        var frameBytes = frame.Width * frame.Height * 4;
        full |= !damageKnown || damagedPixels * 4 >= frameBytes;
        var pixelBytes = full ? frameBytes : (int)(damagedPixels * 4);
        var total = MetaSize + (count * RectSize) + pixelBytes;
        Ensure(ref buffer, total);
        WriteMeta(buffer, displayId, frame.Width, frame.Height, (byte)((damageKnown ? DamageKnownFlag : 0) | (full ? FullPixelsFlag : 0)), count);
        var at = MetaSize;
        for (var i = 0; i < count; i++)
        {
            var r = scratch[i];
            var span = buffer.AsSpan(at, RectSize);
            BinaryPrimitives.WriteInt32LittleEndian(span, r.X);
            BinaryPrimitives.WriteInt32LittleEndian(span[4..], r.Y);
            BinaryPrimitives.WriteInt32LittleEndian(span[8..], r.Width);
            BinaryPrimitives.WriteInt32LittleEndian(span[12..], r.Height);
            at += RectSize;
        }

        var rowBytes = frame.Width * 4;
        if (full)
        {
            for (var y = 0; y < frame.Height; y++, at += rowBytes)
                frame.Pixels.Slice(y * frame.Stride, rowBytes).CopyTo(buffer.AsSpan(at));
            return total;
        }

        for (var i = 0; i < count; i++)
        {
            var r = scratch[i];
            var bytes = r.Width * 4;
            for (var y = r.Y; y < r.Bottom; y++, at += bytes)
                frame.Pixels.Slice((y * frame.Stride) + (r.X * 4), bytes).CopyTo(buffer.AsSpan(at));
        }

        return total;
    }

    private static void WriteMeta(Span<byte> buffer, uint displayId, int width, int height, byte flags, int count)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, displayId);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[4..], width);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[8..], height);
        buffer[12] = flags;
        BinaryPrimitives.WriteInt32LittleEndian(buffer[13..], count);
    }

    private static void Ensure(ref byte[] buffer, int size)
    {
        if (buffer.Length >= size)
            return;
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
        buffer = ArrayPool<byte>.Shared.Rent(size);
    }
}
