using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using GuruConnect.Server.Data;
using GuruConnect.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

// bench/Console (docs/performance.md §5): N machines seeded straight into the database, the built
// console served by the real server, Debian's Chromium driving it. Reports, as medians of several
// runs: first paint of the machines list (navigation start → first row painted) and keystroke →
// results (keydown → the list showing the results for the new text), each beside a reference measured in the same
// run: the API call the page makes, timed from the same browser.
//   dotnet run -c Release --project bench/Console -- [--machines 10000] [--runs 7]
var machines = IntArg("--machines", 10_000);
var runs = IntArg("--runs", 7);
const string Chromium = "/usr/bin/chromium";
if (!File.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot", "assets")) && !Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot", "assets")))
{
    Console.Error.WriteLine("The console is not built: run `npm ci && npm run build` in src/Web (scripts/run.sh does), then build this bench again.");
    return 2;
}

if (!File.Exists(Chromium))
{
    Console.Error.WriteLine($"{Chromium} is missing: apt-get install chromium (scripts/test.sh does).");
    return 2;
}

var dataDir = Path.Combine(Path.GetTempPath(), "gc-bench-console-" + Guid.NewGuid().ToString("N"));
const string Password = "bench-admin-password";
await using var app = ServerApp.Build(
[
    "--urls=http://127.0.0.1:0",
    $"--GURUCONNECT_DATA_DIR={dataDir}",
    $"--GURUCONNECT_ADMIN_PASSWORD={Password}",
    "--Logging:LogLevel:Default=Warning",
    "--Auth:LoginAttemptsPerMinute=10000",
], builder => builder.Logging.ClearProviders()); // the table is the output; request logs would bury it
await app.PrepareAsync(TextWriter.Null, CancellationToken.None);
await app.StartAsync();
var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

Console.Error.WriteLine($"seeding {machines} machines…");
await SeedAsync(app.Services, machines);

using var http = new HttpClient { BaseAddress = address };
using var login = await http.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = Password });
var session = await login.Content.ReadFromJsonAsync<JsonElement>();

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = Chromium,
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });
// Signed in as the console keeps it (localStorage), and a probe that notes when the first row and each count appear.
await context.AddInitScriptAsync(
    "localStorage.setItem('guruconnect.session', " + JsonSerializer.Serialize(session.ToString()) + ");" +
    """
    new MutationObserver(() => {
      if (!window.__firstRow && document.querySelector('[data-testid=machine-row]')) {
        const found = performance.now();
        requestAnimationFrame(() => setTimeout(() => { window.__firstRow = performance.now(); window.__firstRowFound = found; }, 0));
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
    // keydown → the list shows results for the new text (data-results-for is the q of the data on screen, not a placeholder).
    document.addEventListener('keydown', () => {
      window.__keyAt = performance.now();
      window.__doneAt = 0;
      const check = () => {
        const count = document.querySelector('[data-testid=machine-count]');
        if (count && count.dataset.resultsFor === window.__expect && !window.__doneAt) window.__doneAt = performance.now();
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    }, true);
    """);
var page = await context.NewPageAsync();

// Warm the server and the browser cache once, as a technician's second visit would be.
await page.GotoAsync("/machines");
await page.WaitForSelectorAsync("[data-testid=machine-row]");

var firstPaint = new List<double>();
var apiPage = new List<double>();
for (var i = 0; i < runs; i++)
{
    await page.GotoAsync("/machines");
    await page.WaitForFunctionAsync("() => window.__firstRow");
    firstPaint.Add(await page.EvaluateAsync<double>("() => window.__firstRow"));
    apiPage.Add(await page.EvaluateAsync<double>(
        "async (token) => { const t = performance.now(); const r = await fetch('/api/machines?page=1&pageSize=100', { headers: { Authorization: 'Bearer ' + token } }); await r.json(); return performance.now() - t; }",
        session.GetProperty("token").GetString()));
}

// Keystrokes: type a hostname prefix one key at a time; each key must bring the list to the count the API gives for that text.
const string Typed = "pc-0123";
var keystroke = new List<double>();
var apiSearch = new List<double>();
for (var i = 0; i < runs; i++)
{
    // A fresh page each run: TanStack Query's in-memory cache would otherwise answer repeated prefixes without the server.
    await page.GotoAsync("/machines");
    var search = page.GetByTestId("machine-search");
    await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=machine-count]')?.dataset.resultsFor === ''");
    await search.FocusAsync();
    for (var k = 1; k <= Typed.Length; k++)
    {
        var prefix = Typed[..k];
        await page.EvaluateAsync("(e) => { window.__expect = e; window.__doneAt = 0; }", prefix);
        await page.Keyboard.PressAsync(Typed[k - 1].ToString());
        await page.WaitForFunctionAsync("() => window.__doneAt > 0", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
        keystroke.Add(await page.EvaluateAsync<double>("() => window.__doneAt - window.__keyAt"));
        apiSearch.Add(await page.EvaluateAsync<double>(
            "async ([token, q]) => { const t = performance.now(); const r = await fetch('/api/machines?page=1&pageSize=100&q=' + encodeURIComponent(q), { headers: { Authorization: 'Bearer ' + token } }); await r.json(); return performance.now() - t; }",
            new object[] { session.GetProperty("token").GetString()!, prefix }));
    }
}

Console.WriteLine($"Console machines list: {machines} machines, {runs} runs, Debian Chromium 1280x720, SQLite, {Environment.ProcessorCount} cores");
Console.WriteLine("| measure | median ms | p90 ms | samples | target | reference (same run) | reference median ms |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
Console.WriteLine($"| first paint of the machines list | {Median(firstPaint):F0} | {P90(firstPaint):F0} | {firstPaint.Count} | < 1000 | GET /api/machines (100 rows) from the page | {Median(apiPage):F0} |");
Console.WriteLine($"| keystroke → results (\"{Typed}\", per key) | {Median(keystroke):F0} | {P90(keystroke):F0} | {keystroke.Count} | < 150 | GET /api/machines?q=… from the page | {Median(apiSearch):F0} |");
try
{
    Directory.Delete(dataDir, recursive: true);
}
catch (IOException)
{
}

return 0;

static double Median(List<double> values) => Percentile(values, 0.5);

static double P90(List<double> values) => Percentile(values, 0.9);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(p * sorted.Length))];
}

static async Task SeedAsync(IServiceProvider services, int count)
{
    // Straight into the database in one transaction: 10 000 enrollments through Argon2id would measure enrollment.
    var database = services.GetRequiredService<Database>();
    var now = TimeProvider.System.GetUtcNow();
    string[] companies = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka"];
    string[] users = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"];
    await using var connection = await database.OpenAsync(CancellationToken.None);
    await using var transaction = await connection.BeginTransactionAsync();
    for (var i = 0; i < count; i++)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO machines (id, tenant_id, machine_uid, hostname, company, department, device_type, os_name, os_version,
                                  logged_on_user, agent_version, private_ips, enrollment_state, last_seen, created_at, updated_at)
            VALUES (@id, @tenantId, @uid, @hostname, @company, @department, 'workstation', @os, '10.0.19045', @user, @version, @ip, 'active', @now, @now, @now)
            """,
            new
            {
                id = Guid.CreateVersion7(now),
                tenantId = Tenants.Default,
                uid = $"bench-{i:D6}",
                hostname = $"PC-{i:D6}",
                company = companies[i % companies.Length],
                department = i % 3 == 0 ? "Front desk" : "Back office",
                os = i % 5 == 0 ? "Ubuntu" : "Windows",
                user = users[i % users.Length] + (i % 97).ToString(CultureInfo.InvariantCulture),
                version = i % 10 == 0 ? "1.0.0" : "1.1.0",
                ip = $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}",
                now,
            },
            transaction);
    }

    await transaction.CommitAsync();
}

int IntArg(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
