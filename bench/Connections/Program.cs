using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using GuruConnect.Bench.Connections;
using GuruConnect.Server.Hosting;
using GuruConnect.Server.Relay;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

// bench/Connections (docs/performance.md §3): N idle agents, authenticated with their own cak_ keys, heartbeating every
// 20 s, held by one server. Reports server memory per connected agent (GC heap and working set, each as the
// delta over the same server before the agents came, divided by N) and the server's CPU at steady state.
// The agents run in a child process (this program with --swarm) so their cost is not counted as the server's.
if (args is ["--swarm", var url, var keysFile, var concurrencyText])
{
    var keys = await File.ReadAllLinesAsync(keysFile);
    if (!FileLimit.Ensure(keys.Length + 1000, Console.Error))
    {
        return 2;
    }

    await new AgentSwarm(new Uri(url), keys).RunAsync(int.Parse(concurrencyText, CultureInfo.InvariantCulture), Console.Error);
    return 0;
}

var agents = IntArg("--agents", 10_000);
var window = IntArg("--window", 30);
var concurrency = IntArg("--concurrency", 64);
var postgres = StringArg("--postgres");
if (!FileLimit.Ensure(agents + 1000, Console.Error))
{
    return 2;
}

var dataDir = Path.Combine(Path.GetTempPath(), "gc-bench-connections-" + Guid.NewGuid().ToString("N"));
string[] serverArgs =
[
    "--urls=http://127.0.0.1:0",
    $"--GURUCONNECT_DATA_DIR={dataDir}",
    "--GURUCONNECT_ADMIN_PASSWORD=bench-admin-password",
    "--Logging:LogLevel:Default=Warning",
    .. postgres is null ? Array.Empty<string>() : [$"--ConnectionStrings:Postgres={postgres}"],
];
await using var app = ServerApp.Build(serverArgs);
await app.PrepareAsync(TextWriter.Null, CancellationToken.None);
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
var metrics = app.Services.GetRequiredService<RelayMetrics>();

Console.Error.WriteLine($"creating {agents} machines and keys…");
var keysPath = Path.Combine(dataDir, "agent-keys.txt");
await File.WriteAllLinesAsync(keysPath, await MachineSeeder.SeedAsync(app.Services, agents));

var server = Process.GetCurrentProcess();
var (heapBefore, workingSetBefore) = Measure(server);

Console.Error.WriteLine($"connecting {agents} agents from 49 loopback addresses, {concurrency} at a time…");
var self = Environment.ProcessPath!;
var swarmStart = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
if (Path.GetFileNameWithoutExtension(self) == "dotnet")
{
    swarmStart.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
}

foreach (var arg in new[] { "--swarm", address, keysPath, concurrency.ToString(CultureInfo.InvariantCulture) })
{
    swarmStart.ArgumentList.Add(arg);
}

var clock = Stopwatch.StartNew();
using var swarm = Process.Start(swarmStart)!;
while (metrics.AgentsConnected < agents && !swarm.HasExited && clock.Elapsed < TimeSpan.FromMinutes(15))
{
    await Task.Delay(1000);
    Console.Error.Write($"\r  {metrics.AgentsConnected} connected after {clock.Elapsed.TotalSeconds:F0} s   ");
}

var connectTime = clock.Elapsed;
var connected = metrics.AgentsConnected;
Console.Error.WriteLine();
Console.Error.WriteLine("settling 10 s, then measuring CPU…");
await Task.Delay(TimeSpan.FromSeconds(10));

server.Refresh();
swarm.Refresh();
var (serverCpu, swarmCpu) = (server.TotalProcessorTime, swarm.TotalProcessorTime);
var steady = Stopwatch.StartNew();
await Task.Delay(TimeSpan.FromSeconds(window));
server.Refresh();
swarm.Refresh();
var serverCore = (server.TotalProcessorTime - serverCpu) / steady.Elapsed;
var swarmCore = (swarm.TotalProcessorTime - swarmCpu) / steady.Elapsed;
var stillConnected = metrics.AgentsConnected;

var (heapAfter, workingSetAfter) = Measure(server);
var n = Math.Max(1, connected);

Console.WriteLine();
Console.WriteLine(Invariant($"Connections: {agents} idle agents (cak_ keys, hello, 20 s heartbeats both ways), {Environment.ProcessorCount} cores, {(postgres is null ? "SQLite" : "PostgreSQL")}, agents in a child process"));
Console.WriteLine();
Console.WriteLine("| measurement | value | target |");
Console.WriteLine("| --- | ---: | ---: |");
Console.WriteLine(Invariant($"| agents connected (and still connected after the window) | {connected} ({stillConnected}) | {agents} |"));
Console.WriteLine(Invariant($"| time to connect them all | {connectTime.TotalSeconds:F1} s | |"));
Console.WriteLine(Invariant($"| server GC heap per agent | {(heapAfter - heapBefore) / 1024.0 / n:F1} KiB | |"));
Console.WriteLine(Invariant($"| server working set per agent | {(workingSetAfter - workingSetBefore) / 1024.0 / n:F1} KiB | < 32 KiB |"));
Console.WriteLine(Invariant($"| server CPU at steady state ({window} s window) | {serverCore * 100:F1} % of one core | < 10 % |"));
Console.WriteLine(Invariant($"| agent swarm CPU (client side, for reference) | {swarmCore * 100:F1} % of one core | |"));

swarm.StandardInput.Close();
await swarm.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
await app.StopAsync();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(dataDir, recursive: true);
return connected == agents ? 0 : 1;

// Full blocking, compacting collections first, so both figures are what is actually retained.
static (long Heap, long WorkingSet) Measure(Process process)
{
    for (var i = 0; i < 3; i++)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    process.Refresh();
    return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
}

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

int IntArg(string name, int fallback) => StringArg(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? StringArg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
