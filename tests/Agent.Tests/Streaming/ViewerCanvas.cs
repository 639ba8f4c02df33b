using GuruConnect.Protocol.V1;
using ZstdSharp;

namespace GuruConnect.Agent.Tests.Streaming;

/// <summary>
/// What a viewer draws: applies VideoFrames (SOLID, ZSTD_RGBA, RAW/ZSTD BGRA, COPY_RECT) to an RGBA
/// canvas per display, exactly as docs/protocol.md says a browser must, so tests compare pixels.
/// </summary>
internal sealed class ViewerCanvas
{
    private readonly Dictionary<uint, (int Width, int Height, byte[] Rgba)> canvases = [];
    private readonly Decompressor zstd = new();

    // One buffer for every tile, as the browser's worker inflates into wasm memory it reuses: a fresh
    // array per tile (plus a copy) cost bench/Latency's viewer ~7 ms of a full-screen frame's 16.
    private byte[] scratch = [];

    public ulong LastSeq { get; private set; }

    public int Frames { get; private set; }

    public List<TileEncoding> LastEncodings { get; } = [];

    public long LastBytes { get; private set; }

    public void Apply(VideoFrame frame)
    {
        Frames++;
        LastSeq = frame.Seq;
        LastEncodings.Clear();
        LastBytes = 0;
        if (!canvases.TryGetValue(frame.DisplayId, out var canvas) || canvas.Width != frame.Width || canvas.Height != frame.Height)
        {
            if (!frame.Keyframe)
                throw new InvalidOperationException("a delta frame for a canvas that has no keyframe");
            canvas = ((int)frame.Width, (int)frame.Height, new byte[frame.Width * frame.Height * 4]);
            canvases[frame.DisplayId] = canvas;
        }

        foreach (var tile in frame.Tiles)
        {
            LastEncodings.Add(tile.Encoding);
            LastBytes += tile.Data.Length;
            Apply(canvas.Width, canvas.Rgba, tile);
        }
    }

    /// <summary>The canvas as BGRA with alpha 255, comparable to a screen's pixels.</summary>
    public byte[] Rgba(uint displayId = 1) => canvases[displayId].Rgba;

    public bool Has(uint displayId) => canvases.ContainsKey(displayId);

    /// <summary>Whether the canvas shows exactly <paramref name="bgrx"/> (alpha ignored).</summary>
    public bool Matches(ReadOnlySpan<byte> bgrx, uint displayId = 1)
    {
        var rgba = canvases[displayId].Rgba;
        for (var i = 0; i < rgba.Length; i += 4)
        {
            if (rgba[i] != bgrx[i + 2] || rgba[i + 1] != bgrx[i + 1] || rgba[i + 2] != bgrx[i] || rgba[i + 3] != 255)
                return false;
        }

        return true;
    }

    private void Apply(int width, byte[] rgba, Tile tile)
    {
        int x = (int)tile.X, y = (int)tile.Y, w = (int)tile.W, h = (int)tile.H;
        switch (tile.Encoding)
        {
            case TileEncoding.Solid:
                var c = tile.Data.Span;
                for (var row = 0; row < h; row++)
                {
                    for (var col = 0; col < w; col++)
                    {
                        var at = (((y + row) * width) + x + col) * 4;
                        (rgba[at], rgba[at + 1], rgba[at + 2], rgba[at + 3]) = (c[2], c[1], c[0], c[3]);
                    }
                }

                break;
            case TileEncoding.ZstdRgba:
                if (scratch.Length <= w * h * 4)
                    scratch = new byte[(w * h * 4) + 1]; // one byte more: a tile that inflates too long is caught
                var length = zstd.Unwrap(tile.Data.Span, scratch);
                if (length != w * h * 4)
                    throw new InvalidOperationException($"ZSTD_RGBA tile inflates to {length} bytes, not {w * h * 4}");
                for (var row = 0; row < h; row++)
                    scratch.AsSpan(row * w * 4, w * 4).CopyTo(rgba.AsSpan((((y + row) * width) + x) * 4));
                break;
            case TileEncoding.Jpeg:
                // Lossy: the pixels are not what the screen shows. Paint the rectangle a colour no test
                // screen uses, so a canvas matches the screen again only after the lossless refinement.
                for (var row = 0; row < h; row++)
                    rgba.AsSpan((((y + row) * width) + x) * 4, w * 4).Fill(7);
                break;
            case TileEncoding.CopyRect:
                int sx = (int)tile.SrcX, sy = (int)tile.SrcY;
                var rows = Enumerable.Range(0, h);
                foreach (var row in sy < y ? rows.Reverse() : rows)
                    Array.Copy(rgba, (((sy + row) * width) + sx) * 4, rgba, (((y + row) * width) + x) * 4, w * 4);
                break;
            default:
                throw new InvalidOperationException($"unexpected tile encoding {tile.Encoding}");
        }
    }
}
