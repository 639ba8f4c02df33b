using System.Runtime.InteropServices;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// Finds a rectangle that moved between the reference and the current capture — a scroll (dx = 0) or
/// a dragged window (any dx, dy) — inside the band of changed tiles, and proves it pixel for pixel.
/// A few distinctive 32-pixel "probes" are taken from changed tiles of the capture and looked up in
/// the reference: first straight above and below (a scroll: a handful of 128-byte compares), then
/// within <see cref="Reach"/> pixels in both directions (a drag). Two probes agreeing on one unique
/// displacement fix it; the moved rectangle is then grown from a probe, and one pass compares each of
/// its rows with the displaced reference and moves it there (the memmove the viewer will do), so the
/// reference is already up to date for the rectangle and the caller compares only what it covers in
/// part. Only the band is touched (docs/performance.md §1). No allocation.
/// </summary>
internal sealed class MoveDetector
{
    /// <summary>A shorter move is not worth a COPY_RECT: its tiles would be re-sent anyway.</summary>
    public const int MinimumRows = 16;

    /// <summary>Probe length in pixels: long enough that text rarely repeats it.</summary>
    public const int ProbeWidth = 32;

    /// <summary>How far a window may have moved between two captures, either way (a scroll may go further).</summary>
    public const int Reach = 192;

    private const int MaxProbes = 8;

    /// <summary>Rows of the previous move's rectangle checked before <see cref="Repeat"/> writes anything.</summary>
    private const int RepeatSamples = 8;

    private readonly (int X, int Y)[] probes = new (int, int)[MaxProbes];

    public ScrollMove? Detect(Span<byte> reference, int stride, CapturedFrame frame, TileMap changed)
    {
        var band = changed.Bounds();
        if (band.Height < MinimumRows * 2 || band.Width < ProbeWidth)
            return null;
        var count = PickProbes(reference, stride, frame, changed);
        if (count < 2)
            return null;

        // Straight up or down first (a scroll); only then sideways (a drag).
        for (var pass = 0; pass < 2; pass++)
        {
            var reach = pass == 0 ? 0 : Reach;
            int agreed = -1, dxFound = 0, dyFound = 0, votes = 0;
            for (var p = 0; p < count && votes < 2; p++)
            {
                if (!FindUnique(reference, stride, frame, band, probes[p], reach, out var dx, out var dy))
                    continue;
                if (votes == 0 || (dx == dxFound && dy == dyFound))
                {
                    (dxFound, dyFound) = (dx, dy);
                    agreed = agreed < 0 ? p : agreed;
                    votes++;
                }
                else
                {
                    (dxFound, dyFound, agreed, votes) = (dx, dy, p, 1);
                }
            }

            if (votes >= 2)
                return Grow(reference, stride, frame, band, probes[agreed], dxFound, dyFound);
        }

        return null;
    }

    /// <summary>Up to <see cref="MaxProbes"/> changed, non-flat 32-pixel runs, spread over the changed tiles.</summary>
    private int PickProbes(ReadOnlySpan<byte> reference, int stride, CapturedFrame frame, TileMap changed)
    {
        var step = Math.Max(1, changed.Count / MaxProbes);
        var seen = 0;
        var count = 0;
        for (var row = 0; row < changed.Rows && count < MaxProbes; row++)
        {
            for (var column = 0; column < changed.Columns && count < MaxProbes; column++)
            {
                if (!changed[column, row] || seen++ % step != 0)
                    continue;
                var tile = changed.TileRect(column, row);
                if (tile.Width < ProbeWidth)
                    continue;
                // A few rows of the tile, middle first: text lines leave blank rows between them.
                for (var k = 0; k < 8; k++)
                {
                    var y = tile.Y + (((tile.Height / 2) + (k * 7)) % tile.Height);
                    var x = tile.X + ((tile.Width - ProbeWidth) / 2);
                    var now = Segment(frame.Pixels, frame.Stride, x, y, ProbeWidth);
                    if (Distinct(now) && !now.SequenceEqual(Segment(reference, stride, x, y, ProbeWidth)))
                    {
                        probes[count++] = (x, y);
                        break;
                    }
                }
            }
        }

        return count;
    }

    /// <summary>Whether the probe occurs exactly once in the reference within the band and reach.</summary>
    private static bool FindUnique(
        ReadOnlySpan<byte> reference, int stride, CapturedFrame frame, PixelRect band, (int X, int Y) probe, int reach, out int dx, out int dy)
    {
        dx = dy = 0;
        var needle = MemoryMarshal.Cast<byte, uint>(Segment(frame.Pixels, frame.Stride, probe.X, probe.Y, ProbeWidth));
        var x0 = Math.Max(band.X, probe.X - reach);
        var x1 = Math.Min(band.Right, probe.X + ProbeWidth + reach);
        // Look for the probe's first pixel that differs from its start (an edge, rarer than background).
        var anchor = Math.Max(0, needle.IndexOfAnyExcept(needle[0]));
        var found = 0;
        var (top, bottom) = reach == 0 ? (band.Y, band.Bottom) : (Math.Max(band.Y, probe.Y - reach), Math.Min(band.Bottom, probe.Y + reach + 1));
        for (var y = top; y < bottom; y++)
        {
            var row = MemoryMarshal.Cast<byte, uint>(Segment(reference, stride, x0, y, x1 - x0));
            var from = anchor;
            while (from < row.Length - (ProbeWidth - 1 - anchor))
            {
                var at = row[from..].IndexOf(needle[anchor]);
                if (at < 0)
                    break;
                var begin = from + at - anchor;
                from += at + 1;
                if (begin + ProbeWidth > row.Length || !row.Slice(begin, ProbeWidth).SequenceEqual(needle))
                    continue;
                if (++found > 1)
                    return false;
                (dx, dy) = (x0 + begin - probe.X, y - probe.Y);
            }
        }

        return found == 1 && (dx != 0 || dy != 0);
    }

    /// <summary>
    /// Grows the moved rectangle around the probe inside the band (source and destination both): its
    /// rows along the probe's column, its columns from a few of those rows; then <see cref="Prove"/>.
    /// </summary>
    private static ScrollMove? Grow(Span<byte> reference, int stride, CapturedFrame frame, PixelRect band, (int X, int Y) probe, int dx, int dy)
    {
        // Destination limits so that the source stays inside the band too.
        var left = Math.Max(band.X, band.X - dx);
        var right = Math.Min(band.Right, band.Right - dx);
        var top = Math.Max(band.Y, band.Y - dy);
        var bottom = Math.Min(band.Bottom, band.Bottom - dy);

        var y0 = probe.Y;
        while (y0 > top && RowMatches(reference, stride, frame, y0 - 1, probe.X, dx, dy))
            y0--;
        var y1 = probe.Y + 1;
        while (y1 < bottom && RowMatches(reference, stride, frame, y1, probe.X, dx, dy))
            y1++;
        if (y1 - y0 < MinimumRows)
            return null;

        // The columns: the run around the probe that the probe's row and seven more rows agree on.
        int x0 = left, x1 = right;
        for (var k = 0; k < 8; k++)
        {
            var y = k == 0 ? probe.Y : y0 + ((y1 - y0 - 1) * k / 7);
            var now = MemoryMarshal.Cast<byte, uint>(Segment(frame.Pixels, frame.Stride, 0, y, frame.Width));
            var before = MemoryMarshal.Cast<byte, uint>(Segment(reference, stride, 0, y + dy, frame.Width));
            var start = probe.X + ProbeWidth;
            x1 = start + (start >= x1 ? 0 : now[start..x1].CommonPrefixLength(before[(start + dx)..(x1 + dx)]));
            var x = probe.X;
            while (x > x0 && now[x - 1] == before[x - 1 + dx])
                x--;
            x0 = x;
        }

        return Prove(reference, stride, frame, x0, y0, x1 - x0, y1 - y0, dx, dy);
    }

    /// <summary>
    /// Tries the previous capture's move again at the same displacement — a scroll or a drag usually
    /// goes on at one speed — without searching and without the caller's compare of the band. A scroll
    /// moves content inside a rectangle that stays put; a dragged window takes its rectangle along, so
    /// both are tried, the likelier first (sideways: the drag). A few rows spread over a candidate are
    /// checked first (cheap, nothing written), then <see cref="Prove"/> moves what holds. Null, with the
    /// reference untouched, when no candidate's samples agree; the caller then searches as usual.
    /// </summary>
    public static ScrollMove? Repeat(Span<byte> reference, int stride, CapturedFrame frame, ScrollMove previous)
    {
        int dx = previous.SourceX - previous.X, dy = previous.SourceY - previous.Y;
        var same = previous;
        var along = previous with { X = previous.X - dx, Y = previous.Y - dy, SourceX = previous.X, SourceY = previous.Y };
        var (first, second) = dx != 0 ? (along, same) : (same, along);
        if (Holds(reference, stride, frame, first, dx, dy))
            return Prove(reference, stride, frame, first.X, first.Y, first.Width, first.Height, dx, dy);
        if (Holds(reference, stride, frame, second, dx, dy))
            return Prove(reference, stride, frame, second.X, second.Y, second.Width, second.Height, dx, dy);
        return null;
    }

    /// <summary>
    /// Whether every sampled row of <paramref name="move"/> matches the reference displaced, and enough
    /// of them differ where they were: a screen that stopped moving (or flat strips, such as the blank
    /// rows between lines of text) is not a move, and must not make a frame out of nothing.
    /// </summary>
    private static bool Holds(ReadOnlySpan<byte> reference, int stride, CapturedFrame frame, ScrollMove move, int dx, int dy)
    {
        if (move.Height < MinimumRows || move.X < 0 || move.Y < 0 || move.Right > frame.Width || move.Bottom > frame.Height ||
            move.SourceX < 0 || move.SourceY < 0 || move.SourceX + move.Width > frame.Width || move.SourceY + move.Height > frame.Height)
            return false;
        var moved = 0;
        for (var k = 0; k < RepeatSamples; k++)
        {
            var y = move.Y + ((move.Height - 1) * k / (RepeatSamples - 1));
            var now = Segment(frame.Pixels, frame.Stride, move.X, y, move.Width);
            if (!now.SequenceEqual(Segment(reference, stride, move.X + dx, y + dy, move.Width)))
                return false;
            if (!now.SequenceEqual(Segment(reference, stride, move.X, y, move.Width)))
                moved++;
        }

        return moved * 2 >= RepeatSamples;
    }

    /// <summary>
    /// One pass over the rectangle's rows, in the order that never reads a row already overwritten:
    /// each is compared with the displaced reference and, when equal, written into the reference where
    /// it now is — the move the viewer makes, done at the cost of one compare. A row that differs ends
    /// the rectangle there, so what is returned is exactly what was written, and equal to the capture.
    /// </summary>
    private static ScrollMove? Prove(Span<byte> reference, int stride, CapturedFrame frame, int x0, int y0, int width, int height, int dx, int dy)
    {
        var y1 = y0 + height;
        var down = dy > 0; // rows move up: read below, write above, so go top to bottom
        var done = 0;
        for (var i = 0; i < height; i++)
        {
            var y = down ? y0 + i : y1 - 1 - i;
            var now = Segment(frame.Pixels, frame.Stride, x0, y, width);
            if (!now.SequenceEqual(Segment(reference, stride, x0 + dx, y + dy, width)))
                break;
            now.CopyTo(reference.Slice((y * stride) + (x0 * 4), width * 4));
            done++;
        }

        if (done == 0)
            return null;
        var firstRow = down ? y0 : y1 - done;
        return new ScrollMove(x0, firstRow, width, done, x0 + dx, firstRow + dy);
    }

    private static bool RowMatches(ReadOnlySpan<byte> reference, int stride, CapturedFrame frame, int y, int x, int dx, int dy) =>
        Segment(frame.Pixels, frame.Stride, x, y, ProbeWidth).SequenceEqual(Segment(reference, stride, x + dx, y + dy, ProbeWidth));

    /// <summary>Enough colour changes along the run that it is unlikely to repeat elsewhere.</summary>
    private static bool Distinct(ReadOnlySpan<byte> run)
    {
        var pixels = MemoryMarshal.Cast<byte, uint>(run);
        var edges = 0;
        for (var i = 1; i < pixels.Length; i++)
        {
            if (pixels[i] != pixels[i - 1] && ++edges >= 6)
                return true;
        }

        return false;
    }

    private static ReadOnlySpan<byte> Segment(ReadOnlySpan<byte> pixels, int stride, int x, int y, int width) =>
        pixels.Slice((y * stride) + (x * 4), width * 4);
}
