using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// BGRA(X) → RGBA with alpha 255, so the browser hands inflated bytes straight to putImageData: the
/// same swap costs ~28 ms a frame in JavaScript and well under a millisecond here (docs/performance.md).
/// </summary>
internal static class PixelSwap
{
    private const uint Opaque = 0xFF000000;

    public static void BgraToRgba(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException("destination is shorter than source", nameof(destination));
        var i = 0;
        if (Ssse3.IsSupported && source.Length >= 16)
        {
            // byte 0↔2 of every pixel: one pshufb per 4 (or 8) pixels, alpha forced by an OR.
            var order = Vector128.Create((byte)2, 1, 0, 3, 6, 5, 4, 7, 10, 9, 8, 11, 14, 13, 12, 15);
            var alpha = Vector128.Create(Opaque).AsByte();
            if (Avx2.IsSupported)
            {
                // vpshufb shuffles within each 128-bit lane, which is all a per-pixel swap needs.
                var order256 = Vector256.Create(order, order);
                var alpha256 = Vector256.Create(Opaque).AsByte();
                for (; i <= source.Length - 32; i += 32)
                {
                    var v = Vector256.Create(source.Slice(i, 32));
                    Avx2.Or(Avx2.Shuffle(v, order256), alpha256).CopyTo(destination.Slice(i, 32));
                }
            }

            for (; i <= source.Length - 16; i += 16)
            {
                var v = Vector128.Create(source.Slice(i, 16));
                Sse2.Or(Ssse3.Shuffle(v, order), alpha).CopyTo(destination.Slice(i, 16));
            }
        }

        var src = MemoryMarshal.Cast<byte, uint>(source[i..]);
        var dst = MemoryMarshal.Cast<byte, uint>(destination[i..]);
        for (var p = 0; p < src.Length; p++)
        {
            var bgra = src[p];
            dst[p] = Opaque | (bgra & 0x0000FF00) | ((bgra >> 16) & 0xFF) | ((bgra & 0xFF) << 16);
        }
    }

    /// <summary>One pixel as the 4 BGRA bytes of a SOLID tile, alpha 255.</summary>
    public static uint Opaquify(uint bgra) => bgra | Opaque;
}
