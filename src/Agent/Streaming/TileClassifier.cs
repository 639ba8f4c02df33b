using System.Numerics;
using System.Runtime.InteropServices;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// Decides which tiles may go lossy. Text and UI are made of flat runs: most pixels equal their left
/// neighbour (a terminal tile ~0.8–0.95, even with anti-aliasing). Photos and video are noisy: few do
/// (&lt; 0.3). A tile counts as a photo below <see cref="PhotoShare"/>; a tile that keeps changing
/// (video, an animation) may go lossy up to <see cref="VideoShare"/>, so a mixed tile of text over a
/// picture stays lossless unless it is moving. JPEG on text blurs it, so when in doubt: lossless.
/// </summary>
internal static class TileClassifier
{
    public const double PhotoShare = 0.35;

    public const double VideoShare = 0.6;

    /// <summary>Captures of the last 8 in which a tile changed for it to count as video.</summary>
    public const int VideoChanges = 5;

    /// <summary>The share of pixels in <paramref name="rect"/> equal to their left neighbour.</summary>
    public static double EqualLeftShare(ReadOnlySpan<byte> pixels, int stride, PixelRect rect)
    {
        if (rect.Width < 2 || rect.Height < 1)
            return 1;
        var equal = 0;
        for (var y = rect.Y; y < rect.Bottom; y++)
        {
            var row = MemoryMarshal.Cast<byte, uint>(pixels.Slice((y * stride) + (rect.X * 4), rect.Width * 4));
            var i = 1;
            if (Vector.IsHardwareAccelerated)
            {
                for (; i + Vector<uint>.Count <= row.Length; i += Vector<uint>.Count)
                {
                    var now = new Vector<uint>(row[i..]);
                    var left = new Vector<uint>(row[(i - 1)..]);
                    equal -= (int)Vector.Sum(Vector.AsVectorInt32(Vector.Equals(now, left))); // all-ones lanes are -1
                }
            }

            for (; i < row.Length; i++)
            {
                if (row[i] == row[i - 1])
                    equal++;
            }
        }

        return (double)equal / ((rect.Width - 1) * rect.Height);
    }

    /// <summary>Whether a tile may be sent as JPEG: a photo, or noisy enough and changing often (video).</summary>
    public static bool MayGoLossy(ReadOnlySpan<byte> pixels, int stride, PixelRect rect, uint changeHistory)
    {
        var share = EqualLeftShare(pixels, stride, rect);
        return share < PhotoShare || (share < VideoShare && BitOperations.PopCount(changeHistory & 0xFF) >= VideoChanges);
    }
}
