using Dapper;
using GuruConnect.Server.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace GuruConnect.Server.Tests.Data;

public sealed class MigrationTests
{
    private static MigrationRunner Runner(Database database, IReadOnlyList<Migration>? migrations = null) =>
        new(database, migrations ?? MigrationCatalog.Load(database.Provider), TimeProvider.System, NullLogger<MigrationRunner>.Instance);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Migrations_apply_once_and_record_checksums(DbKind db)
    {
        await using var test = await TestDatabase.CreateAsync(db);
        var database = test.Open();
        var catalog = MigrationCatalog.Load(database.Provider);

        (await Runner(database).ApplyAsync(CancellationToken.None)).ShouldBe(catalog.Count);
        (await Runner(database).ApplyAsync(CancellationToken.None)).ShouldBe(0);

        await using var connection = await database.OpenAsync(CancellationToken.None);
        var recorded = (await connection.QueryAsync<string>("SELECT checksum FROM schema_migrations ORDER BY version")).ToList();
        recorded.ShouldBe(catalog.Select(m => m.Checksum).ToList());
        (await connection.ExecuteScalarAsync<string>("SELECT CAST(id AS TEXT) FROM tenants"))!.ShouldBe("00000000-0000-0000-0000-000000000001");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_modified_applied_migration_stops_start_up_and_is_not_re_applied(DbKind db)
    {
        await using var test = await TestDatabase.CreateAsync(db);
        var database = test.Open();
        var original = MigrationCatalog.Load(database.Provider);
        await Runner(database).ApplyAsync(CancellationToken.None);

        var edited = original.Select((m, i) => i == 0 ? m with { Sql = m.Sql + "\n-- edited after release\n" } : m).ToList();
        var error = await Should.ThrowAsync<MigrationChecksumException>(() => Runner(database, edited).ApplyAsync(CancellationToken.None));
        error.Message.ShouldContain("0001_foundation");
        error.Message.ShouldContain("new migration");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_server_refuses_to_start_on_a_database_whose_applied_migration_changed(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        await server.StopAsync();
        await using (var connection = await server.Database.Open().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE schema_migrations SET checksum = 'deadbeefdeadbeefdeadbeef' WHERE version = 1");
        }

        var error = await Should.ThrowAsync<InvalidOperationException>(server.RestartAsync);
        error.Message.ShouldContain("was changed after it was applied");
    }

    [Fact]
    public async Task A_database_from_a_newer_build_is_refused()
    {
        await using var test = await TestDatabase.CreateAsync(DbKind.Sqlite);
        var database = test.Open();
        await Runner(database).ApplyAsync(CancellationToken.None);
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', 'now')");
        }

        var error = await Should.ThrowAsync<InvalidOperationException>(() => Runner(database).ApplyAsync(CancellationToken.None));
        error.Message.ShouldContain("newer GuruConnect");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Servers_starting_at_once_on_one_database_migrate_once(DbKind db)
    {
        await using var test = await TestDatabase.CreateAsync(db);
        var clock = new ManualClock();

        // Several start-ups racing on the same database (PostgreSQL: advisory lock; SQLite: BEGIN IMMEDIATE).
        var runners = Enumerable.Range(0, 4).Select(_ => Runner(test.Open())).ToList();
        var applied = await Task.WhenAll(runners.Select(r => Task.Run(() => r.ApplyAsync(CancellationToken.None))));

        applied.Sum().ShouldBe(MigrationCatalog.Load(test.Open().Provider).Count);
        await using var connection = await test.Open().OpenAsync(CancellationToken.None);
        (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations")).ShouldBe(applied.Sum());

        // And two whole servers starting together come up and share one admin.
        var servers = await Task.WhenAll(GuruServer.StartOnAsync(test, clock), GuruServer.StartOnAsync(test, clock));
        try
        {
            (await servers[0].LoginAsync()).ShouldNotBeNullOrEmpty();
            (await servers[1].LoginAsync()).ShouldNotBeNullOrEmpty();
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
