using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// The agent's copy of one display as the viewers were last told it ("the reference"), and what the
/// latest capture changed. Shared by every viewer of the display; each viewer keeps its own dirty
/// map on top (<see cref="ViewerStream"/>), so one capture and one compare serve them all.
/// </summary>
internal sealed class DisplayStream : IDisposable
{
    /// <summary>Below this many changed tiles a move search costs more than it saves.</summary>
    public const int ScrollSearchMinimumTiles = 6;

    private readonly MoveDetector mover;
    private readonly TileMap candidates;
    private readonly uint[] history;
    private readonly long[] classifiedAt;
    private readonly bool[] lossy;
    private readonly PixelRect[] boxes;
    private byte[] reference = [];
    private ScrollMove? lastMove;

    public DisplayStream(uint id, int width, int height)
    {
        Id = id;
        Width = width;
        Height = height;
        Stride = width * 4;
        Changed = new TileMap(width, height);
        ChangedWithoutMove = new TileMap(width, height);
        candidates = new TileMap(width, height);
        mover = new MoveDetector(height);
        history = new uint[Changed.Columns * Changed.Rows];
        classifiedAt = new long[history.Length];
        lossy = new bool[history.Length];
        boxes = new PixelRect[history.Length];
        reference = ArrayPool<byte>.Shared.Rent(Stride * height);
    }

    public uint Id { get; }

    public int Width { get; }

    public int Height { get; }

    public int Stride { get; }

    /// <summary>Counts captures that changed something; an encoded tile is valid for one generation.</summary>
    public long Generation { get; private set; }

    public bool HasReference { get; private set; }

    /// <summary>
    /// Whether a capture first tries the previous capture's move again (<see cref="MoveDetector.Repeat"/>)
    /// before comparing and searching; off only to measure the search alone (bench/Codec).
    /// </summary>
    public bool RepeatMoves { get; init; } = true;

    /// <summary>Tiles the latest capture changed, after <see cref="Move"/> is applied.</summary>
    public TileMap Changed { get; }

    /// <summary>Tiles the latest capture changed measured against the reference before the move (a superset).</summary>
    public TileMap ChangedWithoutMove { get; }

    /// <summary>The scroll the latest capture showed, valid for a viewer that was up to date before it.</summary>
    public ScrollMove? Move { get; private set; }

    public ReadOnlySpan<byte> Pixels => reference.AsSpan(0, Stride * Height);

    public bool SameSize(CapturedFrame frame) => frame.Width == Width && frame.Height == Height;

    /// <summary>
    /// Compares <paramref name="frame"/> with the reference, finds a scroll when much changed, and
    /// brings the reference up to date. Returns whether anything changed.
    /// </summary>
    public bool Ingest(CapturedFrame frame, bool detectScroll)
    {
        var changed = IngestCore(frame, detectScroll);
        // One bit per capture and tile, newest lowest: how often it changes (video) and how long it has
        // been quiet. A capture with a move (a scroll, a drag) counts as quiet: the rows it uncovers
        // change every capture while it lasts, and they are text, not video.
        var moved = Move is not null;
        for (var row = 0; row < Changed.Rows; row++)
        {
            for (var column = 0; column < Changed.Columns; column++)
            {
                ref var bits = ref history[(row * Changed.Columns) + column];
                bits = (bits << 1) | (Changed[column, row] && !moved ? 1u : 0u);
            }
        }

        return changed;
    }

    /// <summary>
    /// The part of a tile of <see cref="Changed"/> that differs from what a viewer up to date before the
    /// latest capture shows (after <see cref="Move"/>): the rows and columns between the first and last
    /// differing pixel. Only for such a viewer; the whole tile for a keyframe.
    /// </summary>
    public PixelRect ChangedBox(int column, int row) => boxes[(row * Changed.Columns) + column];

    /// <summary>Captures since the tile last changed, up to 32.</summary>
    public int QuietCaptures(int column, int row) => BitOperations.TrailingZeroCount(history[(row * Changed.Columns) + column]);

    /// <summary>
    /// Whether the tile, as it stands now, may be sent as JPEG to a viewer that allows lossy tiles
    /// (<see cref="TileClassifier"/>); classified at most once per capture generation.
    /// </summary>
    public bool MayGoLossy(int column, int row)
    {
        var i = (row * Changed.Columns) + column;
        if (classifiedAt[i] != Generation)
        {
            classifiedAt[i] = Generation;
            lossy[i] = TileClassifier.MayGoLossy(Pixels, Stride, Changed.TileRect(column, row), history[i]);
        }

        return lossy[i];
    }

    private bool IngestCore(CapturedFrame frame, bool detectScroll)
    {
        if (!SameSize(frame))
            throw new ArgumentException("the frame is not this display's size", nameof(frame));
        Changed.Clear();
        ChangedWithoutMove.Clear();
        Move = null;
        if (!HasReference)
        {
            for (var y = 0; y < Height; y++)
                frame.Row(y).CopyTo(reference.AsSpan(y * Stride, Stride));
            HasReference = true;
            lastMove = null;
            for (var i = 0; i < boxes.Length; i++)
                boxes[i] = Changed.TileRect(i % Changed.Columns, i / Changed.Columns);
            Changed.SetAll();
            ChangedWithoutMove.SetAll();
            Generation++;
            return true;
        }

        candidates.Clear();
        if (frame.DamageKnown)
        {
            foreach (var rect in frame.Damage)
                candidates.SetRect(rect);
            if (candidates.IsEmpty)
                return false;
        }
        else
        {
            candidates.SetAll();
        }

        var previous = lastMove;
        lastMove = null;
        if (detectScroll && RepeatMoves && previous is { } guess && candidates.Intersects(guess.Destination) &&
            MoveDetector.Repeat(reference.AsSpan(0, Stride * Height), Stride, frame, guess) is { } repeated)
        {
            // The move went on at the same speed: proven and made in the reference already, so the band
            // is neither compared first nor searched. There was no compare before the move, so a viewer
            // that missed it takes all of its destination (ChangedWithoutMove is a superset either way).
            Move = lastMove = repeated;
            var destination = repeated.Destination;
            candidates.SetRect(destination);
            candidates.UnsetInside(destination);
            Compare(frame, candidates, Changed);
            ChangedWithoutMove.CopyFrom(Changed);
            ChangedWithoutMove.SetRect(destination);
            MeasureBoxes(frame, Changed);
            CopyTiles(frame, Changed);
            Generation++;
            return true;
        }

        Compare(frame, candidates, Changed);
        if (Changed.IsEmpty)
            return false;
        ChangedWithoutMove.CopyFrom(Changed);

        if (detectScroll && Changed.Count >= ScrollSearchMinimumTiles && mover.Detect(reference.AsSpan(0, Stride * Height), Stride, frame, Changed) is { } move)
        {
            Move = move;
            lastMove = move.Height >= MoveDetector.MinimumRows ? move : null;
            // The detector moved the rectangle in the reference as the viewer will, proving it equal to
            // the capture: only the tiles it covers in part (and changed ones outside it) are compared again.
            var destination = move.Destination;
            candidates.CopyFrom(Changed);
            candidates.SetRect(destination);
            candidates.UnsetInside(destination);
            Changed.Clear();
            Compare(frame, candidates, Changed);
        }

        MeasureBoxes(frame, Changed);
        CopyTiles(frame, Changed);
        Generation++;
        return true;
    }

    /// <summary>Forgets the reference, so the next capture is a keyframe for everybody.</summary>
    public void Reset()
    {
        HasReference = false;
        lastMove = null;
    }

    public void Dispose()
    {
        if (reference.Length > 0)
            ArrayPool<byte>.Shared.Return(reference);
        reference = [];
    }

    /// <summary>
    /// Sets <paramref name="changed"/> for every candidate tile whose pixels differ. Rows are compared
    /// across the whole candidate span of a tile row first (one vectorised compare per row), tiles only
    /// for rows that differ, and a tile row is left as soon as all its candidates are known changed.
    /// </summary>
    private void Compare(CapturedFrame frame, TileMap candidates, TileMap changed)
    {
        for (var row = 0; row < candidates.Rows; row++)
        {
            int first = -1, last = -1;
            for (var column = 0; column < candidates.Columns; column++)
            {
                if (!candidates[column, row])
                    continue;
                if (first < 0)
                    first = column;
                last = column;
            }

            if (first < 0)
                continue;
            var x0 = first * TileMap.TileSize * 4;
            var x1 = Math.Min((last + 1) * TileMap.TileSize, Width) * 4;
            var y0 = row * TileMap.TileSize;
            var y1 = Math.Min(y0 + TileMap.TileSize, Height);
            var pending = 0;
            for (var column = first; column <= last; column++)
            {
                if (candidates[column, row] && !changed[column, row])
                    pending++;
            }

            for (var y = y0; y < y1 && pending > 0; y++)
            {
                var now = frame.Pixels.Slice((y * frame.Stride) + x0, x1 - x0);
                var before = reference.AsSpan((y * Stride) + x0, x1 - x0);
                if (now.SequenceEqual(before))
                    continue;
                for (var column = first; column <= last; column++)
                {
                    if (!candidates[column, row] || changed[column, row])
                        continue;
                    var offset = (column - first) * TileMap.TileSize * 4;
                    var length = Math.Min(TileMap.TileSize * 4, now.Length - offset);
                    if (!now.Slice(offset, length).SequenceEqual(before.Slice(offset, length)))
                    {
                        changed.Set(column, row);
                        pending--;
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="ChangedBox"/> of every changed tile, against the reference before it is updated: the
    /// first and last differing rows, then the columns over those rows. Reads only changed tiles, and
    /// stops early where the change spans the tile (a photo, a new page).
    /// </summary>
    private void MeasureBoxes(CapturedFrame frame, TileMap tiles)
    {
        for (var row = 0; row < tiles.Rows; row++)
        {
            for (var column = 0; column < tiles.Columns; column++)
            {
                if (!tiles[column, row])
                    continue;
                var rect = tiles.TileRect(column, row);
                var top = rect.Y;
                while (top < rect.Bottom - 1 && RowOf(frame.Pixels, frame.Stride, rect, top).SequenceEqual(RowOf(reference, Stride, rect, top)))
                    top++;
                var bottom = rect.Bottom;
                while (bottom > top + 1 && RowOf(frame.Pixels, frame.Stride, rect, bottom - 1).SequenceEqual(RowOf(reference, Stride, rect, bottom - 1)))
                    bottom--;
                int left = rect.Width, right = 0;
                for (var y = top; y < bottom && (left > 0 || right < rect.Width); y++)
                {
                    var now = RowOf(frame.Pixels, frame.Stride, rect, y);
                    var before = RowOf(reference, Stride, rect, y);
                    var prefix = now.CommonPrefixLength(before);
                    if (prefix == now.Length)
                        continue;
                    left = Math.Min(left, prefix);
                    var end = now.Length;
                    while (end > prefix && now[end - 1] == before[end - 1])
                        end--;
                    right = Math.Max(right, end);
                }

                boxes[(row * tiles.Columns) + column] = right <= left
                    ? rect // nothing differs (a tile marked for another reason): the whole tile
                    : new PixelRect(rect.X + left, top, right - left, bottom - top);
            }
        }
    }

    private static ReadOnlySpan<uint> RowOf(ReadOnlySpan<byte> pixels, int stride, PixelRect rect, int y) =>
        MemoryMarshal.Cast<byte, uint>(pixels.Slice((y * stride) + (rect.X * 4), rect.Width * 4));

    private void CopyTiles(CapturedFrame frame, TileMap tiles)
    {
        for (var row = 0; row < tiles.Rows; row++)
        {
            for (var column = 0; column < tiles.Columns; column++)
            {
                if (!tiles[column, row])
                    continue;
                var rect = tiles.TileRect(column, row);
                for (var y = rect.Y; y < rect.Bottom; y++)
                {
                    frame.Pixels.Slice((y * frame.Stride) + (rect.X * 4), rect.Width * 4)
                        .CopyTo(reference.AsSpan((y * Stride) + (rect.X * 4)));
                }
            }
        }
    }
}

