using Microsoft.Data.Sqlite;

namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// Fault runs on the embedded default (SQLite in the data folder), with the real server process on a tiny
/// tmpfs (<see cref="TinyDisk"/>). A full folder: writes are 503 problems with a code, never a 500 or a stack
/// trace, reads go on, and writes work again once space is freed. A read-only folder at start-up: the server
/// refuses to start with one clear line. Either way the database opens cleanly afterwards (integrity_check ok)
/// and holds exactly what was acknowledged.
/// </summary>
[Collection(FaultRuns.Name)]
public sealed class DiskTroubleFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_full_data_folder_is_503_for_writes_and_heals_when_space_is_freed()
    {
        await using var disk = await TinyDisk.MountAsync(megabytes: 8);
        var port = SwarmRestartFaultTests.FreePort();
        await using var server = new ServerProcess(port, disk.Path, postgres: null);
        await server.StartAsync();
        using var http = server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", await KillDuringEnrollmentFaultTests.LoginAsync(http));
        var site = await http.CreateSiteWithKeyAsync("FULL");
        (await KillDuringEnrollmentFaultTests.EnrollOnceAsync(http, site, "before-full", default)).Key.ShouldNotBeNull();

        var filler = disk.Fill();
        var statuses = new List<HttpStatusCode>();
        var codes = new List<string?>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await http.PostAsJsonAsync("/api/enroll", site.Enrollment($"while-full-{i}", $"PC-{i}"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
                codes.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            }
        }

        using var list = await http.GetAsync("/api/machines");
        var acknowledged = statuses.Count(s => s == HttpStatusCode.Created);
        File.Delete(filler);
        var healed = await KillDuringEnrollmentFaultTests.EnrollOnceAsync(http, site, "after-free", default);
        await server.KillAsync();

        var stackTraces = server.Lines.Count(l => l.Contains("   at ", StringComparison.Ordinal));
        var (integrity, machines) = await InspectAsync(disk.Path);
        output.WriteLine(FaultReport.Header);
        output.WriteLine($"| data folder full | Sqlite | – | – | – | – | {1 + acknowledged} → {machines} | enroll while full: {string.Join(' ', statuses.Select(s => (int)s).Distinct())} " +
            $"({string.Join(", ", codes.Distinct())}), {stackTraces} stack traces in the log | healed on the first request after freeing space |");
        output.WriteLine($"integrity_check: {integrity}; reads while full: {(int)list.StatusCode}");

        statuses.ShouldNotContain(HttpStatusCode.InternalServerError);
        statuses.ShouldContain(HttpStatusCode.ServiceUnavailable, "the full disk is noticed");
        codes.ShouldAllBe(c => c == "SERVICE_UNAVAILABLE");
        list.StatusCode.ShouldBe(HttpStatusCode.OK, "reads go on while the disk is full");
        healed.Key.ShouldNotBeNull($"writes work again once space is freed ({healed.Failure})");
        stackTraces.ShouldBe(0);
        integrity.ShouldBe("ok");
        machines.ShouldBe(2 + acknowledged, "exactly what was acknowledged: before, after, and any that fit");
    }

    [Fact]
    public async Task A_read_only_data_folder_stops_start_up_with_one_clear_line()
    {
        await using var disk = await TinyDisk.MountAsync(megabytes: 8);
        var port = SwarmRestartFaultTests.FreePort();
        await using (var first = new ServerProcess(port, disk.Path, postgres: null))
        {
            await first.StartAsync();
            using var http = first.CreateClient();
            http.DefaultRequestHeaders.Authorization = new("Bearer", await KillDuringEnrollmentFaultTests.LoginAsync(http));
            var site = await http.CreateSiteWithKeyAsync("RO");
            (await KillDuringEnrollmentFaultTests.EnrollOnceAsync(http, site, "before-ro", default)).Key.ShouldNotBeNull();
        }

        await disk.RemountAsync(readOnly: true);
        await using var refused = new ServerProcess(port, disk.Path, postgres: null);
        var exit = await refused.RunToExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"read-only data folder: exit {exit}; it printed:\n{refused.Output}");
        exit.ShouldBe(1);
        refused.Output.ShouldContain("cannot start");
        refused.Output.ShouldContain(disk.Path);
        refused.Lines.Count(l => l.Contains("   at ", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).ShouldBe(0, "no stack trace");

        await disk.RemountAsync(readOnly: false);
        await using var again = new ServerProcess(port, disk.Path, postgres: null);
        await again.StartAsync();
        await again.KillAsync();
        var (integrity, machines) = await InspectAsync(disk.Path);
        integrity.ShouldBe("ok");
        machines.ShouldBe(1);
    }

    private static async Task<(string Integrity, long Machines)> InspectAsync(string dataDirectory)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "guruconnect.db")};Pooling=False");
        await connection.OpenAsync();
        var integrity = await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "PRAGMA integrity_check");
        var machines = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM machines");
        return (integrity!, machines);
    }
}
