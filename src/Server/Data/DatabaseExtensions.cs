using Microsoft.Data.Sqlite;

namespace GuruConnect.Server.Data;

internal static class DatabaseExtensions
{
    /// <summary>SQLite in the data folder by default; PostgreSQL when <c>ConnectionStrings:Postgres</c> is set.</summary>
    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        var postgres = builder.Configuration.GetConnectionString("Postgres");
        var paths = ServerPaths.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(paths);
        builder.Services.AddSingleton(_ => CreateDatabase(postgres, paths));
        builder.Services.AddSingleton(sp =>
        {
            var database = sp.GetRequiredService<Database>();
            return new MigrationRunner(
                database,
                MigrationCatalog.Load(database.Provider),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<MigrationRunner>>());
        });
        return builder;
    }

    private static Database CreateDatabase(string? postgres, ServerPaths paths)
    {
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            return new Database(DatabaseProvider.Postgres, postgres);
        }

        paths.EnsureCreated();
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = paths.SqliteFile,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Default,
            Pooling = true,
        }.ToString();
        return new Database(DatabaseProvider.Sqlite, connectionString);
    }

    /// <summary>Prepares the database at start-up: WAL for SQLite, then migrations.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<Database>();
        var logger = services.GetRequiredService<ILogger<Database>>();
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            DataLog.DatabaseSelected(logger, database.Provider, services.GetRequiredService<ServerPaths>().SqliteFile);
        }
        else
        {
            DataLog.DatabaseSelected(logger, database.Provider, new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Password = null }.ToString());
        }

        await services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
    }
}
