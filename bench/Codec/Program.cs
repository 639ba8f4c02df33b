using System.Diagnostics;
using System.IO.Compression;
using GuruConnect.Agent.Streaming;
using GuruConnect.Bench.Codec;

// bench/Codec (docs/performance.md §1): per sequence and method, bytes per frame, encode CPU time on
// one core (µs, median and p99) and allocations per frame, after the first (key)frame.
//   --display :N   record the five sequences on that 1920×1080 Xvfb with real X clients (scripts/bench-codec.sh)
//   --frames DIR   keep the recorded sequences in DIR, or reuse the ones already there (no Xvfb needed then)
//   --only NAME    run one sequence ("scrolling text"); --no-ffmpeg leaves x264 / VP9 out (quick profiling)
//   (no option)    the same five workloads drawn in memory
// Every "ours" encoder stays on one thread (TileEncoder.Parallel off), so its time is one core's.
// "ours" is the agent's real path: compare with the previous frame (no damage hints: the worst case),
// the previous move tried again, else the move search, SOLID / zstd RGBA runs / COPY_RECT. "ours, XDamage
// hints" is the same with the damage rectangles the agent's X11 capture reported while recording (what
// the agent does on X11); "ours, move searched every frame" never tries the previous move first (what a
// scroll's first frame, or one that changes speed, costs); "ours, lossy allowed" is a viewer at q80. raw BGRA, zlib (VNC's ZRLE class) and JPEG q80
// (MeshCentral / Remotely send JPEG tiles) encode the tiles that changed against the previous frame
// (their change detection is not timed). ffmpeg x264 (ultrafast, zerolatency) and VP9 (realtime) get
// the same raw frames over a pipe, one thread each; their figures are means over the run.
string? display = null, keep = null, only = null;
var skipFfmpeg = args.Contains("--no-ffmpeg");
for (var a = 0; a < args.Length - 1; a++)
{
    if (args[a] == "--display")
        display = args[a + 1];
    else if (args[a] == "--frames")
        keep = Path.GetFullPath(args[a + 1]);
    else if (args[a] == "--only")
        only = args[a + 1];
}

const int Width = Sequences.Width, Height = Sequences.Height, FrameBytes = Width * Height * 4;
var scratch = keep ?? Path.Combine(Path.GetTempPath(), $"guruconnect-bench-codec-{Environment.ProcessId}");
var sequences = new List<(string Name, Func<int, byte[], bool> Draw, int Frames, List<PixelRect[]?>? Damage)>();
var recorded = keep is not null && XvfbRecorder.HasAll(keep);
if (display is not null || recorded)
{
    var files = recorded ? XvfbRecorder.Existing(keep!) : await new XvfbRecorder(display!, scratch).RecordAllAsync();
    foreach (var (name, file) in files)
    {
        var stream = File.OpenRead(file);
        sequences.Add((name, (i, frame) =>
        {
            stream.Position = (long)i * FrameBytes;
            stream.ReadExactly(frame);
            return true;
        }, (int)(stream.Length / FrameBytes), XvfbRecorder.ReadDamage(file)));
    }
}
else
{
    foreach (var (name, draw) in Sequences.All())
        sequences.Add((name, draw, 61, null));
}

sequences.RemoveAll(s => only is not null && s.Name != only);
var ffmpeg = File.Exists("/usr/bin/ffmpeg") && !skipFfmpeg ? "/usr/bin/ffmpeg" : null;
var jpeg = TurboJpeg.TryCreate();
var rows = new List<string[]>();
var frame = new byte[FrameBytes];
// Pass 0 warms the JIT tiers and the pools (first-use allocations); pass 1 is measured.
for (var pass = 0; pass < 2; pass++)
{
    rows.Clear();
    foreach (var (name, draw, frames, damage) in sequences)
    {
        Array.Clear(frame);
        using var display1 = new DisplayStream(1, Width, Height);
        using var encoder = new TileEncoder { Parallel = false };
        using var lossyEncoder = new TileEncoder(GuruConnect.Agent.Platform.Linux.TurboJpegEncoder.TryOpen()) { Parallel = false };
        using var searching = new DisplayStream(1, Width, Height) { RepeatMoves = false };
        using var searchingEncoder = new TileEncoder { Parallel = false };
        using var hinted = new DisplayStream(1, Width, Height);
        using var hintedEncoder = new TileEncoder { Parallel = false };
        var view = new ViewerDisplay(display1) { KeyframePending = false };
        var tiles = new List<EncodedTile>(1024);
        var stats = new Dictionary<string, Stat> { ["ours"] = new(), ["ours, XDamage hints"] = new(), ["ours, move searched every frame"] = new(), ["ours, lossy allowed"] = new(), ["raw BGRA"] = new(), ["zlib"] = new(), ["JPEG q80"] = new() };
        var gather = new byte[Width * 64 * 4];
        var zlibOut = new MemoryStream(16 * 1024 * 1024);
        for (var i = 0; i < frames; i++)
        {
            draw(i, frame);
            var captured = new CapturedFrame(frame, Width, Height, Width * 4, default, damageKnown: false);
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = CpuClock.Now();
            var changed = display1.Ingest(captured, detectScroll: true);
            var ingested = CpuClock.Since(started);
            long bytes = 0;
            if (changed)
                bytes = EncodedBytes(display1, encoder, tiles);

            var elapsed = CpuClock.Since(started);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

            // The same capture without trying the previous move again first: what the first frame of a
            // scroll or drag costs, and every frame of one that changes speed.
            var searchAllocated = GC.GetAllocatedBytesForCurrentThread();
            var searchStarted = CpuClock.Now();
            long searchBytes = 0;
            if (searching.Ingest(captured, detectScroll: true))
                searchBytes = EncodedBytes(searching, searchingEncoder, tiles);

            var searchElapsed = CpuClock.Since(searchStarted);
            searchAllocated = GC.GetAllocatedBytesForCurrentThread() - searchAllocated;

            // The same capture with the XDamage rectangles the agent's X11 capture reported with it: what
            // the agent does on X11 (the rows above compare the whole frame, the worst case).
            var hintedElapsed = TimeSpan.Zero;
            long hintedBytes = 0, hintedAllocated = 0;
            if (damage is not null)
            {
                var rects = damage[i];
                var withHints = new CapturedFrame(frame, Width, Height, Width * 4, rects ?? [], damageKnown: rects is not null);
                hintedAllocated = GC.GetAllocatedBytesForCurrentThread();
                var hintedStarted = CpuClock.Now();
                if (hinted.Ingest(withHints, detectScroll: true))
                    hintedBytes = EncodedBytes(hinted, hintedEncoder, tiles);

                hintedElapsed = CpuClock.Since(hintedStarted);
                hintedAllocated = GC.GetAllocatedBytesForCurrentThread() - hintedAllocated;
            }

            // The same capture for a viewer that allows lossy tiles (q80): photo/video tiles as JPEG,
            // re-sent lossless once quiet, as StreamPump does; the capture's compare time is counted too.
            var lossyStarted = CpuClock.Now();
            view.RefineQuietTiles(StreamPump.RefineAfterQuietCaptures);
            if (changed)
                view.Dirty.UnionWith(display1.Changed);
            long lossyBytes = 0;
            if (!view.Dirty.IsEmpty && lossyEncoder.CanEncodeJpeg)
            {
                tiles.Clear();
                for (var row = 0; row < view.Dirty.Rows;)
                    row = lossyEncoder.Encode(display1, view.Dirty, tiles, 80, view.Lossy, view.Refine, exact: true, firstRow: row); // every part of the frame
                foreach (var tile in tiles)
                    lossyBytes += tile.Data.Length + 12;
                if (changed && display1.Move is not null)
                    lossyBytes += 16;
            }

            view.Dirty.Clear();
            view.Refine.Clear();
            var lossyElapsed = ingested + CpuClock.Since(lossyStarted);
            if (i == 0)
                continue;
            stats["ours"].Add(bytes, elapsed, allocated);
            stats["ours, move searched every frame"].Add(searchBytes, searchElapsed, searchAllocated);
            if (damage is not null)
                stats["ours, XDamage hints"].Add(hintedBytes, hintedElapsed, hintedAllocated);
            if (lossyEncoder.CanEncodeJpeg)
                stats["ours, lossy allowed"].Add(lossyBytes, lossyElapsed, -1);

            // The references, on the tiles that changed against the previous frame (no move help).
            long raw = 0, zlib = 0, jpg = 0;
            TimeSpan zlibTime = default, jpegTime = default;
            if (changed)
            {
                foreach (var run in Runs(display1.ChangedWithoutMove))
                {
                    var length = run.Width * run.Height * 4;
                    raw += length;
                    for (var y = 0; y < run.Height; y++)
                        frame.AsSpan((((run.Y + y) * Width) + run.X) * 4, run.Width * 4).CopyTo(gather.AsSpan(y * run.Width * 4));
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

        if (pass == 1 && ffmpeg is not null)
        {
            foreach (var (method, codec) in FfmpegCodecs())
            {
                var (bytes, cpu) = await FfmpegAsync(ffmpeg, codec, draw, frames);
                rows.Add([name, method, $"{bytes:N0}", $"{cpu:N0} (mean)", "—", "—"]);
            }
        }
    }
}

jpeg?.Dispose();
string[] header = ["sequence (1920×1080)", "method", "bytes/frame", "encode µs p50 (CPU)", "p99", "alloc B/frame"];
var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
Console.WriteLine("| " + string.Join(" | ", header.Select((h, c) => h.PadRight(widths[c]))) + " |");
Console.WriteLine("| " + string.Join(" | ", widths.Select(w => new string('-', w))) + " |");
foreach (var row in rows)
    Console.WriteLine("| " + string.Join(" | ", row.Select((v, c) => c >= 2 ? v.PadLeft(widths[c]) : v.PadRight(widths[c]))) + " |");
Console.WriteLine();
var source = recorded ? $"recorded on Xvfb earlier, read from {keep}" : display is null ? "drawn in memory (61 per sequence)" : $"recorded on Xvfb {display}";
Console.WriteLine($"frames: {source} ({sequences[0].Frames} per sequence, the first (key)frame not counted); " +
    $"ffmpeg: {(ffmpeg is null ? skipFfmpeg ? "left out (--no-ffmpeg)" : "not installed (apt ffmpeg): not measured" : "x264 / VP9 one thread each, mean over the run")}; {Environment.ProcessorCount} cores, .NET {Environment.Version}.");
if (keep is null && Directory.Exists(scratch))
    Directory.Delete(scratch, recursive: true);

static IEnumerable<(string Method, string[] Codec)> FfmpegCodecs()
{
    yield return ("x264 ultrafast", ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-f", "h264"]);
    yield return ("VP9 realtime", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-lag-in-frames", "0", "-row-mt", "0", "-b:v", "0", "-crf", "32", "-pix_fmt", "yuv420p", "-f", "ivf"]);
}

// Bytes and CPU per frame after the first: the run of all frames minus a run of the first frame alone.
static async Task<(double Bytes, double Micros)> FfmpegAsync(string ffmpeg, string[] codec, Func<int, byte[], bool> draw, int frames)
{
    var (allBytes, allCpu) = await RunAsync(frames);
    var (oneBytes, oneCpu) = await RunAsync(1);
    return ((allBytes - oneBytes) / (double)(frames - 1), (allCpu - oneCpu).TotalMicroseconds / (frames - 1));

    async Task<(long Bytes, TimeSpan Cpu)> RunAsync(int count)
    {
        var info = new ProcessStartInfo(ffmpeg) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-hide_banner", "-nostats", "-benchmark", "-f", "rawvideo", "-pix_fmt", "bgr0", "-s", "1920x1080", "-r", "30", "-i", "-", "-threads", "1", .. codec, "-"])
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = Task.Run(() =>
        {
            var buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = process.StandardOutput.BaseStream.Read(buffer)) > 0)
                total += read;
            return total;
        });
        var errors = process.StandardError.ReadToEndAsync();
        var pixels = new byte[Sequences.Width * Sequences.Height * 4];
        for (var i = 0; i < count; i++)
        {
            draw(i, pixels);
            process.StandardInput.BaseStream.Write(pixels);
        }

        process.StandardInput.Close();
        var bytes = await output;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg failed: {await errors}");
        // -benchmark reports the CPU ffmpeg used (the process is gone, so its own counters are too).
        var report = System.Text.RegularExpressions.Regex.Match(await errors, @"utime=([0-9.]+)s stime=([0-9.]+)s");
        if (!report.Success)
            throw new InvalidOperationException("ffmpeg -benchmark printed no CPU times");
        var seconds = double.Parse(report.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) +
            double.Parse(report.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        return (bytes, TimeSpan.FromSeconds(seconds));
    }
}

// Encodes what the capture changed and counts the bytes a VideoFrame would carry: each tile's data
// plus its message fields, and the COPY_RECT when there is a move.
static long EncodedBytes(DisplayStream display, TileEncoder encoder, List<EncodedTile> tiles)
{
    tiles.Clear();
    for (var row = 0; row < display.Changed.Rows;)
        row = encoder.Encode(display, display.Changed, tiles, exact: true, firstRow: row); // every part of the frame
    long bytes = 0;
    foreach (var tile in tiles)
        bytes += tile.Data.Length + 12;
    return display.Move is not null ? bytes + 16 : bytes;
}

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
