using System.Globalization;
using GuruConnect.Bench.Relay;

// bench/Relay (docs/performance.md §2): the relay against a direct loopback WebSocket pair measured in the same run.
// Throughput of 256 KiB frames (1 → 1 and 1 → 10), and the latency the relay adds to 1 KiB input and 64 KiB
// frames at 60 messages per second. Client and server share this process and the machine's cores.
var frames = IntArg("--frames", 2000);
var seconds = IntArg("--seconds", 10);
var rounds = IntArg("--rounds", 3);
const int FrameBytes = 256 * 1024;
const int LatencyFrameBytes = 64 * 1024;
const int Rate = 60;

await using var server = await RelayServer.StartAsync();
var rows = new List<string>();

Console.Error.WriteLine("warming up…");
await MeasureAsync(v => RelayRig.CreateAsync(server, v), rig => Scenarios.ThroughputAsync(rig, FrameBytes, 200, 16), 1);
await MeasureAsync(DirectRig.CreateAsync, rig => Scenarios.ThroughputAsync(rig, FrameBytes, 200, 16), 1);

foreach (var (label, viewers, count, window) in new[]
{
    ("throughput 1 → 1, 256 KiB frames, 16 in flight", 1, frames, 16),
    ("throughput 1 → 1, 256 KiB frames, 3 in flight (agent default)", 1, frames / 2, 3),
    ("throughput 1 → 10, 256 KiB frames, 16 in flight", 10, frames / 4, 16),
})
{
    Console.Error.WriteLine($"running: {label}, {rounds} rounds…");
    // Alternating rounds, median of each: the box is shared, so one slow moment should not decide the ratio.
    var relayRuns = new List<double>();
    var hopRuns = new List<double>();
    var directRuns = new List<double>();
    for (var round = 0; round < rounds; round++)
    {
        relayRuns.Add(await MeasureAsync(v => RelayRig.CreateAsync(server, v), rig => Scenarios.ThroughputAsync(rig, FrameBytes, count, window), viewers));
        hopRuns.Add(await MeasureAsync(KestrelHopRig.CreateAsync, rig => Scenarios.ThroughputAsync(rig, FrameBytes, count, window), viewers));
        directRuns.Add(await MeasureAsync(DirectRig.CreateAsync, rig => Scenarios.ThroughputAsync(rig, FrameBytes, count, window), viewers));
    }

    var (relay, hop, direct) = (P([.. relayRuns], 0.5), P([.. hopRuns], 0.5), P([.. directRuns], 0.5));
    rows.Add(Invariant($"| {label} | {relay / 1e6:F0} MB/s | {hop / 1e6:F0} MB/s | {direct / 1e6:F0} MB/s | **{relay / direct:F2}** × direct, {relay / hop:F2} × one Kestrel hop |"));
}

var duration = TimeSpan.FromSeconds(seconds);
foreach (var (label, viewers, input) in new[]
{
    ("latency, 1 KiB input viewer → agent at 60/s", 1, true),
    ("latency, 64 KiB frames agent → viewer at 60/s", 1, false),
    ("latency, 64 KiB frames 1 → 10 at 60/s (every delivery)", 10, false),
})
{
    Console.Error.WriteLine($"running: {label} for {seconds} s each…");
    Func<IRig, Task<double[]>> run = input
        ? rig => Scenarios.InputLatencyAsync(rig, Rate, duration)
        : rig => Scenarios.FrameLatencyAsync(rig, LatencyFrameBytes, Rate, duration);
    var relay = await MeasureAsync(v => RelayRig.CreateAsync(server, v), run, viewers);
    var hop = await MeasureAsync(KestrelHopRig.CreateAsync, run, viewers);
    var direct = await MeasureAsync(DirectRig.CreateAsync, run, viewers);
    var (r50, r99, h50, h99, d50, d99) = (P(relay, 0.50), P(relay, 0.99), P(hop, 0.50), P(hop, 0.99), P(direct, 0.50), P(direct, 0.99));
    rows.Add(Invariant($"| {label}, p50 / p99 | {r50:F0} / {r99:F0} µs | {h50:F0} / {h99:F0} µs | {d50:F0} / {d99:F0} µs | **{r50 - d50:+0;-0} / {r99 - d99:+0;-0} µs** added vs direct |"));
}

Console.WriteLine();
Console.WriteLine(Invariant($"Relay: {Environment.ProcessorCount} cores, loopback, client and server in one process; throughput = median of {rounds} alternating rounds ({frames} frames for 1 → 1); {seconds} s per latency run ({Rate * seconds} messages)"));
Console.WriteLine();
Console.WriteLine("| measurement | through the relay | one Kestrel hop (no relay) | direct WebSocket pair (reference) | relay vs reference |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
rows.ForEach(Console.WriteLine);
return 0;

static async Task<T> MeasureAsync<TRig, T>(Func<int, Task<TRig>> create, Func<IRig, Task<T>> run, int viewers)
    where TRig : IRig
{
    await using var rig = await create(viewers);
    return await run(rig);
}

static double P(double[] samples, double p) => Scenarios.Percentile(samples, p);

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

int IntArg(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
