using System.Runtime.InteropServices;

namespace GuruConnect.Bench.Codec;

/// <summary>
/// 1080p BGRX frame sequences drawn in memory, shaped like the desktop workloads of docs/performance.md:
/// a terminal being typed into, a text page scrolling, a window dragged over a desktop, a photo
/// slideshow, and an idle desktop whose clock ticks. Deterministic (fixed seeds), generated, not stored.
/// </summary>
internal static class Sequences
{
    public const int Width = 1920;
    public const int Height = 1080;
    private const uint Background = 0xFF1E1E1E;
    private const uint Ink = 0xFFD4D4D4;

    public static IEnumerable<(string Name, Func<int, byte[], bool> Draw)> All()
    {
        yield return ("terminal typing", Typing());
        yield return ("scrolling text", Scrolling());
        yield return ("window drag", Drag());
        yield return ("photo slideshow", Slideshow());
        yield return ("idle clock", Clock());
    }

    /// <summary>Draws frame <c>i</c> into the buffer; the first call (i = 0) paints everything.</summary>
    private static Func<int, byte[], bool> Typing() => (i, frame) =>
    {
        if (i == 0)
            TextScreen(frame, seed: 1, lines: 40);
        var column = i % 200;
        var line = 41 + (i / 200);
        Glyph(frame, 8 + (column * 9), 8 + (line * 18), i);
        return true;
    };

    private static Func<int, byte[], bool> Scrolling()
    {
        var page = new byte[Width * (Height + 4000) * 4];
        Fill(page, Width, Background);
        var random = new Random(2);
        for (var line = 0; line < (Height + 4000) / 18 - 1; line++)
        {
            var length = random.Next(20, 200);
            for (var c = 0; c < length; c++)
                Glyph(page, 8 + (c * 9), 4 + (line * 18), random.Next(), Height + 4000);
        }

        return (i, frame) =>
        {
            page.AsSpan(i * 38 * Width * 4, Width * Height * 4).CopyTo(frame);
            return true;
        };
    }

    private static Func<int, byte[], bool> Drag()
    {
        var desktop = new byte[Width * Height * 4];
        var pixels = MemoryMarshal.Cast<byte, uint>(desktop.AsSpan());
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
                pixels[(y * Width) + x] = 0xFF000000 | (uint)(40 + (y * 60 / Height)) << 16 | (uint)(70 + (x * 40 / Width)) << 8 | 120;
        }

        var window = new byte[640 * 400 * 4];
        TextScreen(window, seed: 3, lines: 20, width: 640, height: 400);
        return (i, frame) =>
        {
            desktop.CopyTo(frame, 0);
            var left = 100 + (i * 12);
            var top = 100 + (i * 5);
            for (var y = 0; y < 400; y++)
                window.AsSpan(y * 640 * 4, 640 * 4).CopyTo(frame.AsSpan((((top + y) * Width) + left) * 4));
            return true;
        };
    }

    private static Func<int, byte[], bool> Slideshow() => (i, frame) =>
    {
        if (i % 10 != 0)
            return false; // a slide stays up for ten frames
        Photo(frame, seed: i / 10);
        return true;
    };

    private static Func<int, byte[], bool> Clock() => (i, frame) =>
    {
        if (i == 0)
            TextScreen(frame, seed: 4, lines: 10);
        // Eight digits of a clock in the corner change each frame (one per second at 1 fps ticks).
        for (var d = 0; d < 8; d++)
            Glyph(frame, Width - 100 + (d * 9), Height - 22, i * 8 + d);
        return true;
    };

    private static void TextScreen(byte[] frame, int seed, int lines, int width = Width, int height = Height)
    {
        Fill(frame, width, Background);
        var random = new Random(seed);
        for (var line = 0; line < lines; line++)
        {
            var length = random.Next(10, (width / 9) - 2);
            for (var c = 0; c < length; c++)
                Glyph(frame, 8 + (c * 9), 8 + (line * 18), random.Next(), height, width);
        }
    }

    /// <summary>An 8×14 "character": a few strokes in the ink colour, anti-aliased edges in between.</summary>
    private static void Glyph(byte[] frame, int left, int top, int seed, int height = Height, int width = Width)
    {
        var pixels = MemoryMarshal.Cast<byte, uint>(frame.AsSpan());
        var bits = (uint)HashCode.Combine(seed, 17) | 0x01010101;
        for (var y = 0; y < 14 && top + y < height; y++)
        {
            for (var x = 0; x < 8 && left + x < width; x++)
            {
                var on = ((bits >> ((y * 3 + x) % 32)) & 1) != 0 && (x % 3 != 2 || y % 4 == 0);
                pixels[((top + y) * width) + left + x] = on ? Ink : (x % 3 == 2 && (bits & (1u << y)) != 0 ? 0xFF6A6A6A : Background);
            }
        }
    }

    private static void Photo(byte[] frame, int seed)
    {
        var pixels = MemoryMarshal.Cast<byte, uint>(frame.AsSpan());
        var random = new Random(seed);
        double fx = random.NextDouble() * 0.02, fy = random.NextDouble() * 0.02, phase = random.NextDouble() * 6;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var noise = random.Next(0, 12);
                var r = (int)(128 + (90 * Math.Sin((x * fx) + phase))) + noise;
                var g = (int)(128 + (90 * Math.Sin((y * fy) + phase))) + noise;
                var b = (int)(128 + (60 * Math.Sin(((x + y) * 0.005) + phase))) + noise;
                pixels[(y * Width) + x] = 0xFF000000 | (uint)Math.Clamp(r, 0, 255) << 16 | (uint)Math.Clamp(g, 0, 255) << 8 | (uint)Math.Clamp(b, 0, 255);
            }
        }
    }

    private static void Fill(byte[] frame, int width, uint colour) => MemoryMarshal.Cast<byte, uint>(frame.AsSpan()).Fill(colour);
}
