using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using GuruConnect.Agent.Tests.Streaming;
using GuruConnect.Agent.Tests.Streaming.X11;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;
using GuruConnect.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// bench/Latency (docs/performance.md §1b): glass to glass on loopback at 1920×1080. A change is drawn on
// an Xvfb screen by a plain X client; the real agent (a separate process) captures and encodes it; the
// real server relays it; a viewer in this process decodes every frame (the tests' ViewerCanvas, the
// browser's decoder in C#), acks it, and stops the clock when the changed pixels are on its canvas.
// Same process, same Stopwatch: no clock skew. Reports p50/p99 ms (split at the frame's arrival in the
// viewer: agent + relay, then the viewer's decode), decoded frames per second and the agent's CPU
// (share of one core) for a typing burst and for full-screen changes.
//   dotnet run -c Release --project bench/Latency -- [--keys 150] [--screens 40] [--idle 10]
var keys = IntArg("--keys", 150);
var screens = IntArg("--screens", 40);
var idleSeconds = IntArg("--idle", 10);
const int Width = 1920;
const int Height = 1080;

var agentDll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "GuruConnect.Agent",
    new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Name, "guruconnect-agent.dll"));
if (!File.Exists(agentDll) || !File.Exists("/usr/bin/Xvfb"))
{
    Console.Error.WriteLine($"Needs /usr/bin/Xvfb (apt-get install xvfb) and the agent built at {agentDll}.");
    return 2;
}

var work = Directory.CreateTempSubdirectory("gc-bench-latency-").FullName;
var (xvfbProcess, display) = await StartXvfbAsync();
// Disposing a Process does not end it: each run used to leave its Xvfb (and, on a failure, its agent) behind.
using var xvfb = new Ending(xvfbProcess);
using var x = new XTestClient(display);
var desktop = Desktop(0);
x.Paint(0, 0, Width, Height, desktop);

const string Password = "bench-admin-password";
await using var app = ServerApp.Build(
[
    "--urls=http://127.0.0.1:0",
    $"--GURUCONNECT_DATA_DIR={Path.Combine(work, "server")}",
    $"--GURUCONNECT_ADMIN_PASSWORD={Password}",
    "--Logging:LogLevel:Default=Warning",
], builder => builder.Logging.ClearProviders());
await app.PrepareAsync(TextWriter.Null, CancellationToken.None);
await app.StartAsync();
var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
using var http = new HttpClient { BaseAddress = address };
var login = await (await http.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = Password })).Content.ReadFromJsonAsync<JsonElement>();
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
var site = await (await http.PostAsJsonAsync("/api/sites", new { siteCode = "BENCH", displayName = "Bench" })).Content.ReadFromJsonAsync<JsonElement>();
var siteId = site.GetProperty("id").GetGuid();
var siteKey = (await (await http.PostAsync($"/api/sites/{siteId}/enrollment-key/rotate", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

using var agent = StartAgent(work, address, siteKey, display, agentDll);
using var agentEnds = new Ending(agent);
var machineId = await OnlineMachineAsync(http, agent);
var sessions = await http.GetFromJsonAsync<JsonElement[]>("/api/sessions");
var sessionId = sessions!.Single(s => s.GetProperty("machineId").GetGuid() == machineId).GetProperty("id").GetGuid();
var token = (await (await http.PostAsync($"/api/sessions/{sessionId}/viewer-token", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

await using var viewer = await Viewer.ConnectAsync(new Uri($"ws://{address.Authority}/ws/viewer?session={sessionId}&token={Uri.EscapeDataString(token)}"));
await viewer.SendAsync(new Envelope { QualityRequest = new QualityRequest { PreferLossless = true } });
await viewer.WaitAsync(() => viewer.Canvas.Has(1), TimeSpan.FromSeconds(60), "the first keyframe");
await Task.Delay(1000);

var rows = new List<string[]>();

// Idle: a viewer connected, nothing drawn. What waiting costs the agent: a capture once a frame
// interval, and a thread blocked in poll(2) on the X socket until XDamage says something changed.
{
    var (frames0, cpu0, wall) = (viewer.FrameCount, agent.TotalProcessorTime, Stopwatch.StartNew());
    await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
    rows.Add(["idle screen, viewer connected (" + idleSeconds + " s)", "—", "—", "—", "—", "—",
        ((viewer.FrameCount - frames0) / wall.Elapsed.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture),
        (100 * (agent.TotalProcessorTime - cpu0).TotalSeconds / wall.Elapsed.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture)]);
}

// Typing burst: a 10×18 "glyph" of its own colour per key, 25 keys a second, in rows like a terminal's.
{
    var glyph = new byte[10 * 18 * 4];
    var latencies = new Samples();
    var (frames0, cpu0, wall) = (viewer.FrameCount, agent.TotalProcessorTime, Stopwatch.StartNew());
    for (var i = 0; i < keys; i++)
    {
        var (gx, gy) = (100 + (i % 120 * 12), 200 + (i / 120 * 24));
        var colour = Colour(i);
        for (var p = 0; p < glyph.Length; p += 4)
            (glyph[p], glyph[p + 1], glyph[p + 2], glyph[p + 3]) = (colour.B, colour.G, colour.R, 0);
        x.Paint(gx, gy, 10, 18, glyph);
        viewer.Expect(Stopwatch.GetTimestamp(), [(gx + 5, gy + 9, colour)], latencies);
        await Task.Delay(40);
    }

    await viewer.WaitAsync(() => viewer.Pending == 0, TimeSpan.FromSeconds(30), "the burst's last key");
    rows.Add(Row($"typing burst ({keys} keys, 25/s)", latencies, viewer.FrameCount - frames0, wall.Elapsed, agent.TotalProcessorTime - cpu0));
}

// Full-screen changes: every tile differs. Back to back, the next is drawn as soon as the previous is on
// the canvas: that is often sooner than the viewer's frame interval (30 fps, docs/protocol.md), so the agent
// holds such a change until the interval is up and the row shows the paced stream. One at a time, each is drawn
// one frame interval after the previous was shown, so none waits for the frame rate: the row is the
// pipeline's latency alone.
await FullScreenAsync($"full-screen change ({screens}, back to back)", TimeSpan.Zero);
await FullScreenAsync($"full-screen change ({screens}, one at a time)", TimeSpan.FromSeconds(1.0 / 30));

async Task FullScreenAsync(string name, TimeSpan gap)
{
    var pictures = new[] { Desktop(1), Desktop(2) };
    var latencies = new Samples();
    var (frames0, cpu0, wall) = (viewer.FrameCount, agent.TotalProcessorTime, Stopwatch.StartNew());
    for (var i = 0; i < screens; i++)
    {
        var picture = pictures[i % 2];
        x.Paint(0, 0, Width, Height, picture);
        viewer.Expect(Stopwatch.GetTimestamp(), [Pixel(picture, 3, 3), Pixel(picture, Width - 3, Height - 3), Pixel(picture, Width / 2, Height / 2)], latencies);
        await viewer.WaitAsync(() => viewer.Pending == 0, TimeSpan.FromSeconds(30), $"full-screen change {i}");
        if (gap > TimeSpan.Zero)
            await Task.Delay(gap);
    }

    rows.Add(Row(name, latencies, viewer.FrameCount - frames0, wall.Elapsed, agent.TotalProcessorTime - cpu0));
}

Console.WriteLine($"Glass to glass, {Width}×{Height} Xvfb → agent → server → decoding viewer, loopback, {Environment.ProcessorCount} cores");
Console.WriteLine("| scenario | p50 ms | p99 ms | max ms | of it: to the viewer, p50 ms | of it: viewer decode, p50 ms | frames/s decoded | agent CPU (% of one core) |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var row in rows)
    Console.WriteLine("| " + string.Join(" | ", row) + " |");
agent.Kill(entireProcessTree: true);
await agent.WaitForExitAsync();
try
{
    Directory.Delete(work, recursive: true);
}
catch (IOException)
{
}

return 0;

static string[] Row(string name, Samples samples, long frames, TimeSpan wall, TimeSpan cpu)
{
    static string Ms(List<double> values, double q)
    {
        values.Sort();
        return values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)].ToString("0.0", CultureInfo.InvariantCulture);
    }

    return [name, Ms(samples.Total, 0.5), Ms(samples.Total, 0.99), Ms(samples.Total, 1.0), Ms(samples.Arrived, 0.5), Ms(samples.Decoded, 0.5),
        (frames / wall.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture), (100 * cpu.TotalSeconds / wall.TotalSeconds).ToString("0", CultureInfo.InvariantCulture)];
}

static (byte R, byte G, byte B) Colour(int i) => ((byte)(40 + (i * 37 % 200)), (byte)(30 + (i * 91 % 200)), (byte)(20 + (i * 53 % 220)));

static (int X, int Y, (byte R, byte G, byte B) Colour) Pixel(byte[] bgrx, int px, int py)
{
    var o = ((py * Width) + px) * 4;
    return (px, py, (bgrx[o + 2], bgrx[o + 1], bgrx[o]));
}

// Desktop-like BGRX: gradients (UI), dark stripes (text) and a noise block (a photo); each variant differs in every tile.
static byte[] Desktop(int variant)
{
    var pixels = new byte[Width * Height * 4];
    var random = new Random(variant);
    for (var py = 0; py < Height; py++)
    {
        for (var px = 0; px < Width; px++)
        {
            var o = ((py * Width) + px) * 4;
            var text = py % 18 < 12 && ((px / 7) + (py / 18) + variant) % 5 != 0 && ((px * 31) + (py * 17)) % 11 < 5;
            var photo = px is > 1200 and < 1700 && py is > 150 and < 550;
            (pixels[o], pixels[o + 1], pixels[o + 2]) = photo
                ? ((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256))
                : text ? ((byte)(20 + variant), (byte)20, (byte)30) : ((byte)((px / 8) + (variant * 40)), (byte)(py / 5), (byte)(200 - (px / 16)));
        }
    }

    return pixels;
}

static async Task<(Process Process, string Display)> StartXvfbAsync()
{
    // -displayfd 1: Xvfb picks a free display itself and prints its number once it accepts connections
    // (as tests/Agent.Tests/Streaming/X11/XvfbServer.cs does), so no number is guessed.
    var process = Process.Start(new ProcessStartInfo("/usr/bin/Xvfb", $"-displayfd 1 -screen 0 {Width}x{Height}x24 -nolisten tcp -noreset")
    {
        RedirectStandardError = true,
        RedirectStandardOutput = true,
    })!;
    process.BeginErrorReadLine();
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    var number = await process.StandardOutput.ReadLineAsync(timeout.Token);
    if (string.IsNullOrWhiteSpace(number) || process.HasExited)
        throw new InvalidOperationException("Xvfb did not start within 60 s.");
    return (process, $":{number.Trim()}");
}

static Process StartAgent(string work, Uri server, string siteKey, string display, string agentDll)
{
    // One pretend computer, as the end-to-end tests' FakeMachine lays it out: a hardware tree and a site config.
    var hw = Path.Combine(work, "hw");
    var dmi = Directory.CreateDirectory(Path.Combine(hw, "sys", "class", "dmi", "id")).FullName;
    File.WriteAllText(Path.Combine(dmi, "product_uuid"), Guid.NewGuid().ToString().ToUpperInvariant() + "\n");
    File.WriteAllText(Path.Combine(dmi, "board_serial"), "BOARD-BENCH\n");
    Directory.CreateDirectory(Path.Combine(hw, "etc"));
    File.WriteAllText(Path.Combine(hw, "etc", "machine-id"), Guid.NewGuid().ToString("N") + "\n");
    var config = Path.Combine(work, "agent.json");
    File.WriteAllText(config, new JsonObject
    {
        ["server"] = server.ToString().TrimEnd('/'),
        ["siteCode"] = "BENCH",
        ["enrollmentKey"] = siteKey,
        ["keyFingerprint"] = $"v1 ({KeyFingerprint.Of(siteKey)})",
    }.ToJsonString());
    var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    info.ArgumentList.Add(agentDll);
    info.ArgumentList.Add("run");
    info.Environment["DISPLAY"] = display;
    info.Environment["GURUCONNECT_AGENT_CONFIG"] = config;
    info.Environment["GURUCONNECT_AGENT_STATE"] = Path.Combine(work, "state");
    info.Environment["GURUCONNECT_AGENT_HARDWARE_ROOT"] = hw;
    info.Environment["GURUCONNECT_LOG_LEVEL"] = "warning";
    var process = Process.Start(info)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) =>
    {
        if (e.Data is not null)
            Console.Error.WriteLine("agent: " + e.Data);
    };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task<Guid> OnlineMachineAsync(HttpClient http, Process agent)
{
    var started = Stopwatch.StartNew();
    while (started.Elapsed < TimeSpan.FromSeconds(60) && !agent.HasExited)
    {
        var page = await http.GetFromJsonAsync<JsonElement>("/api/machines?pageSize=50");
        foreach (var machine in page.GetProperty("items").EnumerateArray())
        {
            if (machine.GetProperty("online").GetBoolean())
                return machine.GetProperty("id").GetGuid();
        }

        await Task.Delay(200);
    }

    throw new InvalidOperationException("The agent never came online.");
}

int IntArg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>
/// The viewer: reads /ws/viewer, decodes every VideoFrame into its canvas, acks it, then stops the
/// clock of each expected change whose pixels the canvas now shows.
/// </summary>
internal sealed class Viewer : IAsyncDisposable
{
    private readonly ClientWebSocket socket;
    private readonly Task reader;
    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly List<(long At, (int X, int Y, (byte R, byte G, byte B) Colour)[] Pixels, Samples Into)> expected = [];

    private Viewer(ClientWebSocket socket)
    {
        this.socket = socket;
        reader = Task.Run(ReadAsync);
    }

    public ViewerCanvas Canvas { get; } = new();

    public long FrameCount => Volatile.Read(ref frames);

    public int Pending
    {
        get
        {
            lock (expected)
                return expected.Count;
        }
    }

    private long frames;

    public static async Task<Viewer> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new Viewer(socket);
    }

    public void Expect(long at, (int X, int Y, (byte R, byte G, byte B) Colour)[] pixels, Samples into)
    {
        lock (expected)
            expected.Add((at, pixels, into));
    }

    public async Task SendAsync(Envelope envelope)
    {
        await sendLock.WaitAsync();
        try
        {
            await Frames.SendAsync(socket, envelope, CancellationToken.None);
        }
        finally
        {
            sendLock.Release();
        }
    }

    public async Task WaitAsync(Func<bool> done, TimeSpan within, string what)
    {
        var started = Stopwatch.StartNew();
        while (!done())
        {
            if (started.Elapsed > within || reader.IsCompleted)
                throw new TimeoutException($"the viewer never saw {what} (socket {socket.State}; {reader.Exception?.GetBaseException().Message})");
            await Task.Delay(2);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        socket.Abort();
        try
        {
            await reader;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }

        socket.Dispose();
        stop.Dispose();
        sendLock.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        var message = new MemoryStream();
        while (!stop.IsCancellationRequested)
        {
            message.SetLength(0);
            ValueWebSocketReceiveResult result;
            long arrived = 0;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), stop.Token);
                if (arrived == 0)
                    arrived = Stopwatch.GetTimestamp(); // the frame's first bytes are here
                if (result.MessageType == WebSocketMessageType.Close)
                    return;
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var received = Stopwatch.GetTimestamp();
            if (!Frames.TryParse(message.GetBuffer().AsSpan(0, (int)message.Length), out var envelope))
                continue;
            switch (envelope.PayloadCase)
            {
                case Envelope.PayloadOneofCase.VideoFrame:
                    Canvas.Apply(envelope.VideoFrame);
                    Interlocked.Increment(ref frames);
                    var now = Stopwatch.GetTimestamp();
                    Settle(now, arrived, received);
                    await SendAsync(new Envelope { FrameAck = new FrameAck { Seq = envelope.VideoFrame.Seq } });
                    break;
                case Envelope.PayloadOneofCase.Ping:
                    await SendAsync(new Envelope { Pong = new Pong { Nonce = envelope.Ping.Nonce } });
                    break;
            }
        }
    }

    private void Settle(long now, long arrived, long received)
    {
        if (!Canvas.Has(1))
            return;
        var rgba = Canvas.Rgba(1);
        lock (expected)
        {
            expected.RemoveAll(e =>
            {
                foreach (var (px, py, (r, g, b)) in e.Pixels)
                {
                    var o = ((py * 1920) + px) * 4;
                    if (rgba[o] != r || rgba[o + 1] != g || rgba[o + 2] != b)
                        return false;
                }

                e.Into.Total.Add(Stopwatch.GetElapsedTime(e.At, now).TotalMilliseconds);
                e.Into.Arrived.Add(Stopwatch.GetElapsedTime(e.At, arrived).TotalMilliseconds);
                e.Into.Decoded.Add(Stopwatch.GetElapsedTime(received, now).TotalMilliseconds);
                return true;
            });
        }
    }
}

/// <summary>
/// Latencies of one scenario, each change measured from the paint: until its pixels are on the
/// canvas; until the first bytes of the frame that completed it reached the viewer (the agent and the
/// relay); and that frame's parse and decode in the viewer.
/// </summary>
internal sealed class Samples
{
    public List<double> Total { get; } = [];

    public List<double> Arrived { get; } = [];

    public List<double> Decoded { get; } = [];
}

/// <summary>Ends a child process when disposed: killed with its children, then disposed.</summary>
internal sealed class Ending(Process process) : IDisposable
{
    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It had already gone.
        }

        process.Dispose();
    }
}
