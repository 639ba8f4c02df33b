using System.Buffers;
using System.Buffers.Binary;
using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// The service's copy of one display as the worker last sent it: a <see cref="WorkerMessage.Frame"/>
/// payload is checked whole (sizes, rectangles inside the frame, exact length) before it changes a pixel,
/// because the worker is a process in a user's session and is not trusted to be well-formed.
/// </summary>
internal sealed class WorkerFrameMirror : IDisposable
{
    private byte[] pixels = [];
    private PixelRect[] damage = new PixelRect[64];
    private int damageCount;
    private bool damageKnown;

    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>False until a full frame arrived (and after <see cref="Invalidate"/>): the next capture must ask for every pixel.</summary>
    public bool HasPixels { get; private set; }

    public CapturedFrame Frame => Width == 0
        ? default
        : new CapturedFrame(pixels.AsSpan(0, Width * Height * 4), Width, Height, Width * 4, damage.AsSpan(0, damageCount), damageKnown);

    public void Invalidate()
    {
        HasPixels = false;
        Width = Height = 0;
    }

    /// <summary>Applies a Frame payload for display <paramref name="displayId"/>; a malformed one throws and changes nothing.</summary>
    public void Apply(ReadOnlySpan<byte> payload, uint displayId)
    {
        if (payload.Length < WorkerFrameCodec.MetaSize)
            throw new WorkerProtocolException("A frame shorter than its header.");
        var id = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        var width = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        var height = BinaryPrimitives.ReadInt32LittleEndian(payload[8..]);
        var flags = payload[12];
        var count = BinaryPrimitives.ReadInt32LittleEndian(payload[13..]);
        if (id != displayId)
            throw new WorkerProtocolException($"A frame of display {id} answered a capture of display {displayId}.");
        if ((flags & ~(WorkerFrameCodec.DamageKnownFlag | WorkerFrameCodec.FullPixelsFlag)) != 0)
            throw new WorkerProtocolException("A frame with unknown flags.");
        if (width == 0 && height == 0 && count == 0 && payload.Length == WorkerFrameCodec.MetaSize)
        {
            Invalidate();
            return;
        }

        if (width is <= 0 or > WorkerFrameCodec.MaxSide || height is <= 0 or > WorkerFrameCodec.MaxSide)
            throw new WorkerProtocolException($"A frame of {width}x{height} pixels.");
        if (count is < 0 or > WorkerFrameCodec.MaxRects)
            throw new WorkerProtocolException($"A frame with {count} rectangles.");
        var known = (flags & WorkerFrameCodec.DamageKnownFlag) != 0;
        var full = (flags & WorkerFrameCodec.FullPixelsFlag) != 0;
        if (!known && (count != 0 || !full))
            throw new WorkerProtocolException("A frame without damage must carry every pixel.");
        if (!full && (!HasPixels || width != Width || height != Height))
            throw new WorkerProtocolException("A partial frame for a display the service has no copy of.");
        long rectBytes = (long)count * WorkerFrameCodec.RectSize;
        if (payload.Length - WorkerFrameCodec.MetaSize < rectBytes)
            throw new WorkerProtocolException("A frame shorter than its rectangles.");
        var rects = payload.Slice(WorkerFrameCodec.MetaSize, (int)rectBytes);
        long damagedPixels = 0;
        for (var i = 0; i < count; i++)
        {
            var r = ReadRect(rects.Slice(i * WorkerFrameCodec.RectSize));
            if (r.X < 0 || r.Y < 0 || r.Width <= 0 || r.Height <= 0 || (long)r.X + r.Width > width || (long)r.Y + r.Height > height)
                throw new WorkerProtocolException("A damage rectangle outside its frame.");
            damagedPixels += (long)r.Width * r.Height;
        }

        var expected = full ? (long)width * height * 4 : damagedPixels * 4;
        var data = payload[(WorkerFrameCodec.MetaSize + (int)rectBytes)..];
        if (data.Length != expected)
            throw new WorkerProtocolException($"A frame with {data.Length} pixel bytes where {expected} were due.");

        // Checked whole: now change the copy.
        if (damage.Length < count)
            damage = new PixelRect[Math.Max(count, damage.Length * 2)];
        for (var i = 0; i < count; i++)
            damage[i] = ReadRect(rects.Slice(i * WorkerFrameCodec.RectSize));
        damageCount = count;
        damageKnown = known;
        var frameBytes = width * height * 4;
        if (full)
        {
            if (pixels.Length < frameBytes)
            {
                if (pixels.Length > 0)
                    ArrayPool<byte>.Shared.Return(pixels);
                pixels = ArrayPool<byte>.Shared.Rent(frameBytes);
            }

            data.CopyTo(pixels);
            (Width, Height, HasPixels) = (width, height, true);
            return;
        }

        var at = 0;
        var stride = width * 4;
        for (var i = 0; i < count; i++)
        {
            var r = damage[i];
            var bytes = r.Width * 4;
            for (var y = r.Y; y < r.Bottom; y++, at += bytes)
                data.Slice(at, bytes).CopyTo(pixels.AsSpan((y * stride) + (r.X * 4)));
        }
    }

    public void Dispose()
    {
        if (pixels.Length > 0)
            ArrayPool<byte>.Shared.Return(pixels);
        pixels = [];
        Invalidate();
    }

    private static PixelRect ReadRect(ReadOnlySpan<byte> span) => new(
        BinaryPrimitives.ReadInt32LittleEndian(span),
        BinaryPrimitives.ReadInt32LittleEndian(span[4..]),
        BinaryPrimitives.ReadInt32LittleEndian(span[8..]),
        BinaryPrimitives.ReadInt32LittleEndian(span[12..]));
}
