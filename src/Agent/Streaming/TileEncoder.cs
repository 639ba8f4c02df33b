using System.Buffers;
using System.Runtime.InteropServices;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;
using ZstdSharp;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// Turns the dirty tiles of a display into wire tiles: one colour → SOLID (4 bytes); otherwise a run of
/// adjacent dirty tiles in a tile row becomes one ZSTD_RGBA rectangle (zstd level 1: a typing tile
/// ~1.3 KB in ~0.05 ms; longer runs compress better than single tiles). Output goes to a pooled arena
/// that lives for one capture generation, and a run already encoded in this generation (another
/// viewer with the same dirty tiles) is reused, not compressed twice. For viewers that allow lossy
/// tiles, runs of photo/video tiles go through <see cref="IJpegEncoder"/> instead (the pump owns it).
/// No allocation in steady state.
/// </summary>
internal sealed class TileEncoder(IJpegEncoder? jpeg = null) : IDisposable
{
    public const int ZstdLevel = 1;

    /// <summary>Raw bytes of lossless runs in one frame from which a second thread compresses half of them.</summary>
    public const int ParallelBytes = 1 << 20;

    /// <summary>
    /// Unchanged pixels (two tiles' worth) past which a cut run is split where its tiles' changed rows
    /// differ: below it one zstd frame over a little unchanged text is smaller than two (bench/Codec,
    /// "scrolling text" grew 9 % with one tile's worth); above it the unchanged part costs more (a dragged
    /// window's top edge and side, "window drag").
    /// </summary>
    public const int SplitWaste = 2 * TileMap.TileSize * TileMap.TileSize;

    /// <summary>
    /// Raw pixel bytes past which a frame goes in more than one part: a part's zstd output is at most a
    /// little over its input (and a JPEG run's is smaller), so with 256 KiB to spare for the frame's
    /// framing every part fits the 4 MiB an agent's message may have (docs/protocol.md "Limits"). A
    /// full-screen 1080p of noise is ~6 MiB of zstd: one message, before, and the server closed the socket.
    /// </summary>
    public const long MaxPartBytes = ProtocolLimits.MaxAgentMessageBytes - (256 * 1024);

    private readonly Compressor zstd = new(ZstdLevel);
    private ZstdJob[] jobs = new ZstdJob[64];
    private int jobCount;
    private int nextJob;
    private DisplayStream? current;
    private ZstdHelper? helper;
    private readonly List<(EncodedTile Tile, int Quality)> cache = new(1024);
    private readonly List<byte[]> retired = [];
    private byte[] scratch = [];
    private byte[] arena = [];
    private int used;
    private long generation = -1;

    public bool CanEncodeJpeg => jpeg is not null;

    /// <summary>Whether a large frame may use the second thread (<see cref="ParallelBytes"/>); off to measure one core (bench/Codec).</summary>
    public bool Parallel { get; init; } = true;

    /// <summary>
    /// Appends to <paramref name="output"/> the tiles covering <paramref name="dirty"/> on
    /// <paramref name="display"/> as it stands now. With <paramref name="jpegQuality"/> above 0 (a viewer
    /// that allows lossy tiles) photo and video tiles (<see cref="DisplayStream.MayGoLossy"/>) become JPEG
    /// runs at that quality, except those in <paramref name="refine"/>; <paramref name="lossySent"/> then
    /// records which tiles went lossy.
    /// With <paramref name="exact"/> (<see cref="ViewerDisplay.Exact"/>) a lossless run is cut to the
    /// part of its tiles that changed (<see cref="DisplayStream.ChangedBox"/>), except tiles being
    /// refined or last sent lossy, which are re-sent whole.
    /// Only tile rows from <paramref name="firstRow"/> are looked at, and only as many as make one part
    /// (<see cref="PartEnd"/>) of about <paramref name="partBytes"/> raw bytes; returns the row after the
    /// last one encoded (<see cref="TileMap.Rows"/> when the rest of the map is done).
    /// </summary>
    public int Encode(DisplayStream display, TileMap dirty, List<EncodedTile> output, int jpegQuality = 0, TileMap? lossySent = null, TileMap? refine = null, bool exact = false, int firstRow = 0, long partBytes = long.MaxValue)
    {
        if (generation != display.Generation)
            BeginGeneration(display);
        var pixels = display.Pixels;
        var lossyAllowed = jpeg is not null && jpegQuality > 0;
        bool Lossy(int column, int row) => lossyAllowed && refine?[column, row] != true && display.MayGoLossy(column, row);

        // Adjacent tiles of one kind, neither solid; with split, only while their changed rows are alike.
        int RunEnd(int column, int row, bool lossy, bool split)
        {
            var end = column + 1;
            var rows = split ? ChangedRows(display, dirty, column, row, lossySent, refine) : default;
            while (end < dirty.Columns && dirty[end, row] && !IsSolid(display.Pixels, display.Stride, dirty.TileRect(end, row), out _) && Lossy(end, row) == lossy &&
                (!split || Alike(ref rows, ChangedRows(display, dirty, end, row, lossySent, refine))))
                end++;
            return end;
        }

        var endRow = PartEnd(dirty, firstRow, partBytes);
        for (var row = firstRow; row < endRow; row++)
        {
            var column = 0;
            while (column < dirty.Columns)
            {
                if (!dirty[column, row])
                {
                    column++;
                    continue;
                }

                if (TrySolid(display, dirty.TileRect(column, row), output))
                {
                    lossySent?.Unset(column, row);
                    column++;
                    continue;
                }

                var lossy = Lossy(column, row);
                var end = RunEnd(column, row, lossy, split: false);
                if (exact && !lossy && Waste(display, dirty, row, column, end, lossySent, refine) > SplitWaste)
                    end = RunEnd(column, row, lossy, split: true);
                var first = dirty.TileRect(column, row);
                var last = dirty.TileRect(end - 1, row);
                var rect = new PixelRect(first.X, first.Y, last.Right - first.X, first.Height);
                var tile = lossy ? EncodeJpeg(pixels, display.Stride, rect, jpegQuality) : null;
                lossy = tile is not null;
                if (tile is { } done)
                    output.Add(done);
                else
                    Defer(exact ? Trim(display, rect, row, column, end, lossySent, refine) : rect, output);
                for (var c = column; c < end; c++)
                {
                    if (lossy)
                        lossySent?.Set(c, row);
                    else
                        lossySent?.Unset(c, row);
                }

                column = end;
            }
        }

        RunJobs(display, output);
        return endRow;
    }

    /// <summary>
    /// Where the part that starts at <paramref name="firstRow"/> ends. The dirty rows left are shared out
    /// evenly over as many parts as <paramref name="partBytes"/> of raw pixels each make (17 rows of a
    /// full 1080p change at 2 MiB: 5, 4, 4 and 4 rows), and no part takes more than
    /// <see cref="MaxPartBytes"/>, so its message stays under the relay's limit whatever its pixels.
    /// </summary>
    internal static int PartEnd(TileMap dirty, int firstRow, long partBytes)
    {
        long total = 0;
        var rows = 0;
        for (var row = firstRow; row < dirty.Rows; row++)
        {
            var bytes = DirtyBytes(dirty, row);
            total += bytes;
            rows += bytes > 0 ? 1 : 0;
        }

        var budget = Math.Min(partBytes, MaxPartBytes);
        if (total <= budget)
            return dirty.Rows;
        var parts = (total + budget - 1) / budget;
        var take = (int)((rows + parts - 1) / parts);
        long taken = 0;
        for (var row = firstRow; row < dirty.Rows; row++)
        {
            var bytes = DirtyBytes(dirty, row);
            if (bytes == 0)
                continue;
            if (take == 0 || (taken > 0 && taken + bytes > MaxPartBytes))
                return row;
            taken += bytes;
            take--;
        }

        return dirty.Rows;
    }

    private static long DirtyBytes(TileMap dirty, int row)
    {
        long bytes = 0;
        for (var column = 0; column < dirty.Columns; column++)
        {
            if (!dirty[column, row])
                continue;
            var tile = dirty.TileRect(column, row);
            bytes += tile.Width * 4L * tile.Height;
        }

        return bytes;
    }

    public void Dispose()
    {
        helper?.Dispose();
        helper = null;
        zstd.Dispose();
        ReturnRetired();
        if (arena.Length > 0)
            ArrayPool<byte>.Shared.Return(arena);
        if (scratch.Length > 0)
            ArrayPool<byte>.Shared.Return(scratch);
        arena = [];
        scratch = [];
    }

    private void BeginGeneration(DisplayStream display)
    {
        generation = display.Generation;
        cache.Clear();
        ReturnRetired();
        used = 0;
        if (arena.Length == 0)
            arena = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(display.Stride * display.Height));
        if (scratch.Length < display.Stride * TileMap.TileSize)
        {
            if (scratch.Length > 0)
                ArrayPool<byte>.Shared.Return(scratch);
            scratch = ArrayPool<byte>.Shared.Rent(display.Stride * TileMap.TileSize);
        }
    }

    /// <summary>
    /// Pixels that did not change but a cut run would carry because its tiles' changed rows differ: the
    /// run's rows across its width, less each tile's own rows across its width.
    /// </summary>
    private static int Waste(DisplayStream display, TileMap dirty, int row, int first, int end, TileMap? lossySent, TileMap? refine)
    {
        int top = int.MaxValue, bottom = int.MinValue, width = 0, carried = 0;
        for (var c = first; c < end; c++)
        {
            var rows = ChangedRows(display, dirty, c, row, lossySent, refine);
            var tileWidth = dirty.TileRect(c, row).Width;
            (top, bottom) = (Math.Min(top, rows.Top), Math.Max(bottom, rows.Bottom));
            width += tileWidth;
            carried += (rows.Bottom - rows.Top) * tileWidth;
        }

        return ((bottom - top) * width) - carried;
    }

    /// <summary>The rows of a tile a cut run must carry: its changed box's, or all of them if it must go whole.</summary>
    private static (int Top, int Bottom) ChangedRows(DisplayStream display, TileMap dirty, int column, int row, TileMap? lossySent, TileMap? refine)
    {
        var tile = dirty.TileRect(column, row);
        if (lossySent?[column, row] == true || refine?[column, row] == true)
            return (tile.Y, tile.Bottom);
        var box = display.ChangedBox(column, row);
        return box.Height <= 0 || box.Width <= 0 ? (tile.Y, tile.Bottom) : (box.Y, box.Bottom);
    }

    /// <summary>
    /// Whether a tile whose changed rows are <paramref name="next"/> joins a cut run whose tiles' changed
    /// rows span <paramref name="rows"/> (widened to take it). Not when either would be less than half of
    /// the rows they would share: a strip uncovered along a dragged window's top edge (a few rows across
    /// the run) and the column beside its side edge (the tile's full height) go as two small rectangles,
    /// not as one box over the unchanged window between them.
    /// </summary>
    private static bool Alike(ref (int Top, int Bottom) rows, (int Top, int Bottom) next)
    {
        var union = Math.Max(rows.Bottom, next.Bottom) - Math.Min(rows.Top, next.Top);
        if ((rows.Bottom - rows.Top) * 2 < union || (next.Bottom - next.Top) * 2 < union)
            return false;
        rows = (Math.Min(rows.Top, next.Top), Math.Max(rows.Bottom, next.Bottom));
        return true;
    }

    /// <summary>The run cut to the union of its tiles' changed boxes, or the whole run if a tile must go whole.</summary>
    private static PixelRect Trim(DisplayStream display, PixelRect run, int row, int first, int end, TileMap? lossySent, TileMap? refine)
    {
        int x0 = run.Right, y0 = run.Bottom, x1 = run.X, y1 = run.Y;
        for (var c = first; c < end; c++)
        {
            if (lossySent?[c, row] == true || refine?[c, row] == true)
                return run;
            var box = display.ChangedBox(c, row);
            x0 = Math.Min(x0, box.X);
            y0 = Math.Min(y0, box.Y);
            x1 = Math.Max(x1, box.Right);
            y1 = Math.Max(y1, box.Bottom);
        }

        return x1 <= x0 || y1 <= y0 ? run : new PixelRect(x0, y0, x1 - x0, y1 - y0);
    }

    private bool TrySolid(DisplayStream display, PixelRect rect, List<EncodedTile> output)
    {
        if (!IsSolid(display.Pixels, display.Stride, rect, out var colour))
            return false;
        var at = Reserve(4);
        MemoryMarshal.Write(arena.AsSpan(at, 4), PixelSwap.Opaquify(colour));
        used += 4;
        output.Add(new EncodedTile(rect.X, rect.Y, rect.Width, rect.Height, TileEncoding.Solid, arena.AsMemory(at, 4)));
        return true;
    }

    private static bool IsSolid(ReadOnlySpan<byte> pixels, int stride, PixelRect rect, out uint colour)
    {
        colour = MemoryMarshal.Read<uint>(pixels.Slice((rect.Y * stride) + (rect.X * 4), 4));
        for (var y = rect.Y; y < rect.Bottom; y++)
        {
            var row = MemoryMarshal.Cast<byte, uint>(pixels.Slice((y * stride) + (rect.X * 4), rect.Width * 4));
            if (row.IndexOfAnyExcept(colour) >= 0)
                return false;
        }

        return true;
    }

    private EncodedTile? EncodeJpeg(ReadOnlySpan<byte> pixels, int stride, PixelRect rect, int quality)
    {
        foreach (var (done, q) in cache)
        {
            if (q == quality && done.Encoding == TileEncoding.Jpeg && done.X == rect.X && done.Y == rect.Y && done.Width == rect.Width && done.Height == rect.Height)
                return done;
        }

        // Room for the worst case of a 4:2:0 JPEG (libjpeg-turbo's TJBUFSIZE), padded to whole MCUs.
        var bound = (((rect.Width + 15) & ~15) * ((rect.Height + 15) & ~15) * 6) + 2048;
        var at = Reserve(bound);
        var length = jpeg!.Encode(pixels[((rect.Y * stride) + (rect.X * 4))..], rect.Width, rect.Height, stride, quality, arena.AsSpan(at, bound));
        if (length <= 0)
            return null; // the codec failed: the caller sends the run lossless
        used += length;
        var tile = new EncodedTile(rect.X, rect.Y, rect.Width, rect.Height, TileEncoding.Jpeg, arena.AsMemory(at, length));
        cache.Add((tile, quality));
        return tile;
    }

    /// <summary>A lossless run to compress once the frame's runs are known: in place now if cached, else a job.</summary>
    private void Defer(PixelRect rect, List<EncodedTile> output)
    {
        foreach (var (done, _) in cache)
        {
            if (done.Encoding == TileEncoding.ZstdRgba && done.X == rect.X && done.Y == rect.Y && done.Width == rect.Width && done.Height == rect.Height)
            {
                output.Add(done);
                return;
            }
        }

        if (jobCount == jobs.Length)
            Array.Resize(ref jobs, jobs.Length * 2);
        jobs[jobCount++] = new ZstdJob { Rect = rect, Output = output.Count };
        output.Add(default);
    }

    /// <summary>
    /// Compresses the frame's lossless runs. A large frame (a full-screen change: seventeen 1920×64 runs at
    /// 1080p, ~20 ms of zstd on one core) is shared with a second thread when there is a second core: both
    /// take runs off one counter, each into room reserved for it beforehand. Small frames stay on this
    /// thread, packed tight.
    /// </summary>
    private void RunJobs(DisplayStream display, List<EncodedTile> output)
    {
        if (jobCount == 0)
            return;
        long raw = 0;
        for (var i = 0; i < jobCount; i++)
            raw += jobs[i].Rect.Width * 4L * jobs[i].Rect.Height;
        if (!Parallel || raw < ParallelBytes || Environment.ProcessorCount < 2)
        {
            for (var i = 0; i < jobCount; i++)
                output[jobs[i].Output] = EncodeRun(display.Pixels, display.Stride, jobs[i].Rect);
            jobCount = 0;
            return;
        }

        for (var i = 0; i < jobCount; i++)
        {
            ref var job = ref jobs[i];
            var bound = Compressor.GetCompressBound(job.Rect.Width * 4 * job.Rect.Height);
            job.Offset = Reserve(bound);
            job.Arena = arena;
            job.Bound = bound;
            used += bound;
        }

        helper ??= new ZstdHelper(scratch.Length, this);
        current = display;
        nextJob = 0;
        helper.Start();
        try
        {
            CompressJobs(zstd, scratch);
        }
        finally
        {
            helper.Wait();
            current = null;
        }

        for (var i = 0; i < jobCount; i++)
        {
            ref var job = ref jobs[i];
            var tile = new EncodedTile(job.Rect.X, job.Rect.Y, job.Rect.Width, job.Rect.Height, TileEncoding.ZstdRgba, job.Arena!.AsMemory(job.Offset, job.Length));
            output[job.Output] = tile;
            cache.Add((tile, 0));
            job.Arena = null;
        }

        jobCount = 0;
    }

    /// <summary>Takes jobs off the shared counter until none are left (this thread and the helper both).</summary>
    private void CompressJobs(Compressor compressor, byte[] rows)
    {
        var display = current!;
        var pixels = display.Pixels;
        int i;
        while ((i = Interlocked.Increment(ref nextJob) - 1) < jobCount)
        {
            ref var job = ref jobs[i];
            var rowBytes = job.Rect.Width * 4;
            var raw = rows.AsSpan(0, rowBytes * job.Rect.Height);
            for (var y = 0; y < job.Rect.Height; y++)
                PixelSwap.BgraToRgba(pixels.Slice(((job.Rect.Y + y) * display.Stride) + (job.Rect.X * 4), rowBytes), raw.Slice(y * rowBytes, rowBytes));
            job.Length = compressor.Wrap(raw, job.Arena.AsSpan(job.Offset, job.Bound));
        }
    }

    private EncodedTile EncodeRun(ReadOnlySpan<byte> pixels, int stride, PixelRect rect)
    {
        var rowBytes = rect.Width * 4;
        var raw = scratch.AsSpan(0, rowBytes * rect.Height);
        for (var y = 0; y < rect.Height; y++)
            PixelSwap.BgraToRgba(pixels.Slice(((rect.Y + y) * stride) + (rect.X * 4), rowBytes), raw.Slice(y * rowBytes, rowBytes));
        var at = Reserve(Compressor.GetCompressBound(raw.Length));
        var length = zstd.Wrap(raw, arena.AsSpan(at));
        used += length;
        var tile = new EncodedTile(rect.X, rect.Y, rect.Width, rect.Height, TileEncoding.ZstdRgba, arena.AsMemory(at, length));
        cache.Add((tile, 0));
        return tile;
    }

    /// <summary>
    /// Room for <paramref name="bytes"/> more. A full arena is retired, not returned: tiles of frames
    /// not yet sent still point into it until the next generation.
    /// </summary>
    private int Reserve(int bytes)
    {
        if (arena.Length - used >= bytes)
            return used;
        retired.Add(arena);
        arena = ArrayPool<byte>.Shared.Rent(Math.Max(arena.Length, bytes));
        used = 0;
        return 0;
    }

    private void ReturnRetired()
    {
        foreach (var old in retired)
            ArrayPool<byte>.Shared.Return(old);
        retired.Clear();
    }

    private struct ZstdJob
    {
        public PixelRect Rect;
        public int Output;
        public byte[]? Arena;
        public int Offset;
        public int Bound;
        public int Length;
    }

    /// <summary>
    /// The second thread of <see cref="RunJobs"/>: its own compressor and row buffer, woken once per large
    /// frame and waited for; nothing allocated per frame. A failure is handed back to the caller's thread.
    /// </summary>
    private sealed class ZstdHelper : IDisposable
    {
        private readonly TileEncoder owner;
        private readonly Compressor compressor = new(ZstdLevel);
        private readonly byte[] rows;
        private readonly SemaphoreSlim go = new(0);
        // Not a ManualResetEventSlim: it creates its lock object the first time a wait blocks, which
        // put 24 bytes on the pump's thread in a frame of the allocation test (stop 14's CI run).
        private readonly SemaphoreSlim finished = new(0);
        private readonly Thread thread;
        private Exception? failure;
        private volatile bool stopping;

        public ZstdHelper(int rowBytes, TileEncoder owner)
        {
            this.owner = owner;
            rows = ArrayPool<byte>.Shared.Rent(rowBytes);
            thread = new Thread(Loop) { IsBackground = true, Name = "guruconnect-zstd" };
            thread.Start();
        }

        public void Start() => go.Release();

        public void Wait()
        {
            finished.Wait();
            if (Interlocked.Exchange(ref failure, null) is { } error)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        public void Dispose()
        {
            stopping = true;
            go.Release();
            thread.Join();
            compressor.Dispose();
            go.Dispose();
            finished.Dispose();
            ArrayPool<byte>.Shared.Return(rows);
        }

        private void Loop()
        {
            while (true)
            {
                go.Wait();
                if (stopping)
                    return;
                try
                {
                    owner.CompressJobs(compressor, rows);
                }
                catch (Exception ex)
                {
                    failure = ex;
                }

                finished.Release();
            }
        }
    }
}
