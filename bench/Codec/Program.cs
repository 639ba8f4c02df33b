using System.IO.Compression;
using GuruConnect.Agent.Streaming;
using GuruConnect.Bench.Codec;

// bench/Codec: per sequence and method, bytes per frame, encode time (µs, median and p99) and
// allocations per frame, after the first (key)frame. "ours" is the agent's real path: compare with the
// previous frame (no damage hints: the worst case), scroll search, SOLID / zstd RGBA runs / COPY_RECT.
// The references encode the same changed tiles that ours found (their change detection is not timed):
// raw BGRA, zlib (VNC's ZRLE class) and JPEG q80 (MeshCentral / Remotely send JPEG tiles).
const int Frames = 61;
var jpeg = TurboJpeg.TryCreate();
var rows = new List<string[]>();
var frame = new byte[Sequences.Width * Sequences.Height * 4];
// Pass 0 warms the JIT tiers and the pools (first-use allocations); pass 1 is measured.
for (var pass = 0; pass < 2; pass++)
{
    rows.Clear();
    foreach (var (name, draw) in Sequences.All())
    {
        Array.Clear(frame);
        using var display = new DisplayStream(1, Sequences.Width, Sequences.Height);
        using var encoder = new TileEncoder();
        var tiles = new List<EncodedTile>(1024);
        var stats = new Dictionary<string, Stat> { ["ours"] = new(), ["raw BGRA"] = new(), ["zlib"] = new(), ["JPEG q80"] = new() };
        byte[] gather = new byte[Sequences.Width * 64 * 4];
        var zlibOut = new MemoryStream(16 * 1024 * 1024);
        for (var i = 0; i < Frames; i++)
        {
            draw(i, frame);
            var captured = new CapturedFrame(frame, Sequences.Width, Sequences.Height, Sequences.Width * 4, default, damageKnown: false);
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = CpuClock.Now();
            var changed = display.Ingest(captured, detectScroll: true);
            long bytes = 0;
            if (changed)
            {
                tiles.Clear();
                encoder.Encode(display, display.Changed, tiles);
                foreach (var tile in tiles)
                    bytes += tile.Data.Length + 12; // + the Tile message's fields
                if (display.Move is not null)
                    bytes += 16;
            }

            var elapsed = CpuClock.Since(started);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (i == 0)
                continue;
            stats["ours"].Add(bytes, elapsed, allocated);

            // The references, on the tiles that changed against the previous frame (no scroll help).
            long raw = 0, zlib = 0, jpg = 0;
            TimeSpan zlibTime = default, jpegTime = default;
            if (changed)
            {
                foreach (var run in Runs(display.ChangedWithoutMove))
                {
                    raw += run.Width * run.Height * 4;
                    var length = run.Width * run.Height * 4;
                    for (var y = 0; y < run.Height; y++)
                        frame.AsSpan((((run.Y + y) * Sequences.Width) + run.X) * 4, run.Width * 4).CopyTo(gather.AsSpan(y * run.Width * 4));
                    var t0 = CpuClock.Now();
                    zlibOut.SetLength(0);
                    using (var z = new ZLibStream(zlibOut, CompressionLevel.Fastest, leaveOpen: true))
                        z.Write(gather, 0, length);
                    zlibTime += CpuClock.Since(t0);
                    zlib += zlibOut.Length;
                    if (jpeg is not null)
                    {
                        var t1 = CpuClock.Now();
                        jpg += jpeg.Compress(gather.AsSpan(0, length), run.Width, run.Width * 4, run.Height, 80);
                        jpegTime += CpuClock.Since(t1);
                    }
                }
            }

            stats["raw BGRA"].Add(raw, default, 0);
            stats["zlib"].Add(zlib, zlibTime, -1);
            if (jpeg is not null)
                stats["JPEG q80"].Add(jpg, jpegTime, -1);
        }

        foreach (var (method, stat) in stats)
        {
            if (stat.Count == 0)
                continue;
            rows.Add([name, method, $"{stat.MeanBytes:N0}", method == "raw BGRA" ? "—" : $"{stat.Percentile(0.5):N0}", method == "raw BGRA" ? "—" : $"{stat.Percentile(0.99):N0}", stat.Allocations]);
        }
    }
}

jpeg?.Dispose();
string[] header = ["sequence (1920×1080, 60 frames)", "method", "bytes/frame", "encode µs p50", "p99", "alloc B/frame"];
var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
Console.WriteLine("| " + string.Join(" | ", header.Select((h, c) => h.PadRight(widths[c]))) + " |");
Console.WriteLine("| " + string.Join(" | ", widths.Select(w => new string('-', w))) + " |");
foreach (var row in rows)
    Console.WriteLine("| " + string.Join(" | ", row.Select((v, c) => c >= 2 ? v.PadLeft(widths[c]) : v.PadRight(widths[c]))) + " |");
Console.WriteLine();
Console.WriteLine($"ffmpeg x264 / VP9: {(File.Exists("/usr/bin/ffmpeg") ? "installed but not wired in yet" : "not installed (apt ffmpeg): not measured")}. {Environment.ProcessorCount} cores, .NET {Environment.Version}.");

static IEnumerable<PixelRect> Runs(TileMap map)
{
    for (var row = 0; row < map.Rows; row++)
    {
        var column = 0;
        while (column < map.Columns)
        {
            if (!map[column, row])
            {
                column++;
                continue;
            }

            var end = column;
            while (end < map.Columns && map[end, row])
                end++;
            var first = map.TileRect(column, row);
            var last = map.TileRect(end - 1, row);
            yield return new PixelRect(first.X, first.Y, last.Right - first.X, first.Height);
            column = end;
        }
    }
}

internal sealed class Stat
{
    private readonly List<double> micros = [];
    private long bytes;
    private long allocated;
    private bool allocationsMeasured = true;

    public int Count { get; private set; }

    public double MeanBytes => (double)bytes / Count;

    public string Allocations => allocationsMeasured ? $"{(double)allocated / Count:N0}" : "—";

    public void Add(long frameBytes, TimeSpan elapsed, long frameAllocated)
    {
        Count++;
        bytes += frameBytes;
        micros.Add(elapsed.TotalMicroseconds);
        if (frameAllocated < 0)
            allocationsMeasured = false;
        else
            allocated += frameAllocated;
    }

    public double Percentile(double p)
    {
        var sorted = micros.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
