using System.Runtime.InteropServices;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// Finds a rectangle that moved between the reference and the current capture — a scroll (dx = 0) or
/// a dragged window (any dx, dy) — inside the band of changed tiles, and proves it pixel for pixel.
/// A few distinctive 32-pixel "probes" are taken from changed tiles of the capture and looked up in
/// the reference: first straight above and below (a scroll: a handful of 128-byte compares), then
/// within <see cref="Reach"/> pixels in both directions (a drag). Every place a probe occurs is a vote;
/// the displacement most probes share (two at least) is tried first. The moved rectangle is then grown
/// from a probe without writing (the largest one that moves changed rows), and one pass compares each of
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

    /// <summary>Places one probe may occur at before it is taken for flat or repeating and left out.</summary>
    private const int MaxMatches = 8;

    /// <summary>Rows of the previous move's rectangle checked before <see cref="Repeat"/> writes anything.</summary>
    private const int RepeatSamples = 8;

    private readonly (int X, int Y)[] probes = new (int, int)[MaxProbes];
    private readonly (int Dx, int Dy)[] votes = new (int, int)[MaxProbes * MaxMatches];
    private readonly int[] voters = new int[MaxProbes * MaxMatches];
    private readonly (int Left, int Right)[] up;
    private readonly (int Left, int Right)[] down;
    private readonly int[] upMoved;
    private readonly int[] downMoved;

    /// <param name="height">The display's height: the row buffers of <see cref="Grow"/> are made once, here.</param>
    public MoveDetector(int height)
    {
        up = new (int, int)[height];
        down = new (int, int)[height];
        upMoved = new int[height];
        downMoved = new int[height];
    }

    public ScrollMove? Detect(Span<byte> reference, int stride, CapturedFrame frame, TileMap changed)
    {
        var band = changed.Bounds();
        if (band.Height < MinimumRows * 2 || band.Width < ProbeWidth)
            return null;
        var count = PickProbes(reference, stride, frame, changed);
        if (count < 2)
            return null;

        // Straight up or down first (a scroll); only then sideways (a drag). Text repeats, so a probe may
        // occur several times within reach: every place it occurs is a vote for that displacement, and the
        // displacement most probes agree on (at least two) is grown; a wrong one fails to grow and the next
        // is tried.
        for (var pass = 0; pass < 2; pass++)
        {
            var reach = pass == 0 ? 0 : Reach;
            var found = 0;
            for (var p = 0; p < count; p++)
            {
                var matches = FindAll(reference, stride, frame, band, probes[p], reach, votes.AsSpan(found, MaxMatches));
                for (var m = 0; m < matches; m++)
                    voters[found + m] = p;
                found += matches;
            }

            for (var attempt = 0; attempt < 3; attempt++)
            {
                var (best, support) = (-1, 1);
                for (var i = 0; i < found; i++)
                {
                    if (voters[i] < 0)
                        continue;
                    var agree = 0;
                    for (var j = 0; j < found; j++)
                        agree += voters[j] >= 0 && votes[j] == votes[i] ? 1 : 0;
                    if (agree > support)
                        (best, support) = (i, agree);
                }

                if (best < 0)
                    break;
                var (dx, dy) = votes[best];
                if (Grow(reference, stride, frame, band, probes[voters[best]], dx, dy) is { } move)
                    return move;
                for (var j = 0; j < found; j++)
                    voters[j] = votes[j] == (dx, dy) ? -1 : voters[j];
            }
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

    /// <summary>
    /// The displacements at which the probe occurs in the reference within the band and reach, into
    /// <paramref name="found"/>; none when it occurs more often than that holds (a flat or repeating run).
    /// </summary>
    private static int FindAll(
        ReadOnlySpan<byte> reference, int stride, CapturedFrame frame, PixelRect band, (int X, int Y) probe, int reach, Span<(int Dx, int Dy)> found)
    {
        var needle = MemoryMarshal.Cast<byte, uint>(Segment(frame.Pixels, frame.Stride, probe.X, probe.Y, ProbeWidth));
        var x0 = Math.Max(band.X, probe.X - reach);
        var x1 = Math.Min(band.Right, probe.X + ProbeWidth + reach);
        // Look for the probe's first pixel that differs from its start (an edge, rarer than background).
        var anchor = Math.Max(0, needle.IndexOfAnyExcept(needle[0]));
        var count = 0;
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
                var (dx, dy) = (x0 + begin - probe.X, y - probe.Y);
                if (dx == 0 && dy == 0)
                    continue;
                if (count == found.Length)
                    return 0;
                found[count++] = (dx, dy);
            }
        }

        return count;
    }

    /// <summary>
    /// Grows the moved rectangle around the probe inside the band (source and destination both), without
    /// writing anything, then <see cref="Prove"/>s it. Row by row outward from the probe's row, while the
    /// probe's columns still match the displaced reference, it takes the run of matching pixels around
    /// them, narrowed to the runs of the rows between (so every span is a rectangle that matches), and
    /// keeps the rows and columns of the largest. Flat background that happens to match at the
    /// displacement (the blank rows of a terminal beside a dragged window) makes a row's run longer or
    /// the rows go on past the window; the largest rectangle leaves such a row out rather than letting
    /// it narrow the whole window to its width (TileEncoderTests "DraggedWindow_OverText").
    /// </summary>
    private ScrollMove? Grow(Span<byte> reference, int stride, CapturedFrame frame, PixelRect band, (int X, int Y) probe, int dx, int dy)
    {
        // Destination limits so that the source stays inside the band too.
        var left = Math.Max(band.X, band.X - dx);
        var right = Math.Min(band.Right, band.Right - dx);
        var top = Math.Max(band.Y, band.Y - dy);
        var bottom = Math.Min(band.Bottom, band.Bottom - dy);
        // up[i]: the columns rows probe.Y - i .. probe.Y share; down[i]: rows probe.Y .. probe.Y + 1 + i.
        var ups = Runs(reference, stride, frame, probe, dx, dy, probe.Y, -1, top, (left, right), up, upMoved);
        if (ups == 0)
            return null;
        var downs = Runs(reference, stride, frame, probe, dx, dy, probe.Y + 1, 1, bottom, up[0], down, downMoved);

        // The rectangle that moves the most pixels (its width times the rows in it that changed): only the
        // last row before a run narrows can end one (a longer span of the same columns moves no fewer), so
        // those are the candidates on each side.
        long best = 0;
        int bestUp = 0, bestDown = 0;
        for (var a = 0; a < ups; a++)
        {
            if (a + 1 < ups && up[a + 1] == up[a])
                continue;
            for (var b = 0; b <= downs; b++)
            {
                if (b < downs && b > 0 && down[b] == down[b - 1])
                    continue;
                var (l, r) = b == 0 ? up[a] : (Math.Max(up[a].Left, down[b - 1].Left), Math.Min(up[a].Right, down[b - 1].Right));
                long area = (long)(r - l) * (upMoved[a] + (b == 0 ? 0 : downMoved[b - 1]));
                if (r - l >= ProbeWidth && area > best)
                    (best, bestUp, bestDown) = (area, a, b);
            }
        }

        var rows = bestUp + 1 + bestDown;
        if (best == 0 || rows < MinimumRows || upMoved[bestUp] + (bestDown == 0 ? 0 : downMoved[bestDown - 1]) < MinimumRows)
            return null;
        var (x0, x1) = bestDown == 0 ? up[bestUp] : (Math.Max(up[bestUp].Left, down[bestDown - 1].Left), Math.Min(up[bestUp].Right, down[bestDown - 1].Right));
        return Prove(reference, stride, frame, x0, probe.Y - bestUp, x1 - x0, rows, dx, dy);
    }

    /// <summary>
    /// From row <paramref name="y"/> in direction <paramref name="step"/> to <paramref name="limit"/>, while
    /// the probe's columns match the displaced reference: each row's run of matching pixels around them,
    /// narrowed to <paramref name="columns"/> and the rows before, into <paramref name="runs"/>. The count.
    /// </summary>
    private static int Runs(
        ReadOnlySpan<byte> reference, int stride, CapturedFrame frame, (int X, int Y) probe, int dx, int dy, int y, int step, int limit, (int Left, int Right) columns, (int Left, int Right)[] runs, int[] moved)
    {
        var (l, r) = columns;
        var count = 0;
        for (; step < 0 ? y >= limit : y < limit; y += step)
        {
            if (!RowMatches(reference, stride, frame, y, probe.X, dx, dy))
                break;
            var now = MemoryMarshal.Cast<byte, uint>(Segment(frame.Pixels, frame.Stride, 0, y, frame.Width));
            var before = MemoryMarshal.Cast<byte, uint>(Segment(reference, stride, 0, y + dy, frame.Width));
            var start = probe.X + ProbeWidth;
            r = start + (start >= r ? 0 : now[start..r].CommonPrefixLength(before[(start + dx)..(r + dx)]));
            l = probe.X - (probe.X <= l ? 0 : CommonSuffixLength(now[l..probe.X], before[(l + dx)..(probe.X + dx)]));
            // A row that is the same where it was (flat background matching at the displacement, beside
            // or below the window) gains nothing from the move: only rows that changed count.
            var same = now[l..r].SequenceEqual(MemoryMarshal.Cast<byte, uint>(Segment(reference, stride, 0, y, frame.Width))[l..r]);
            moved[count] = (count == 0 ? 0 : moved[count - 1]) + (same ? 0 : 1);
            runs[count++] = (l, r);
        }

        return count;
    }

    private static int CommonSuffixLength(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        const int Block = 16;
        var i = a.Length;
        while (i >= Block && a.Slice(i - Block, Block).SequenceEqual(b.Slice(i - Block, Block)))
            i -= Block;
        while (i > 0 && a[i - 1] == b[i - 1])
            i--;
        return a.Length - i;
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
