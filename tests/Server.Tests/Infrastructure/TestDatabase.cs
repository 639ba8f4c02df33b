namespace GuruConnect.Server.Tests.Infrastructure;

/// <summary>A fresh, empty database of one kind, plus a data folder; both removed at dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(DbKind kind, string dataDirectory, string? postgres)
    {
        Kind = kind;
        DataDirectory = dataDirectory;
        PostgresConnectionString = postgres;
    }

    public DbKind Kind { get; }

    public string DataDirectory { get; }

    public string? PostgresConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(DbKind kind)
    {
        var postgres = kind == DbKind.Postgres ? await PostgresInstance.CreateDatabaseAsync() : null;
        var dataDirectory = Path.Combine(Path.GetTempPath(), "gc-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        return new TestDatabase(kind, dataDirectory, postgres);
    }

    /// <summary>Command-line style settings that point a server at this database.</summary>
    public IEnumerable<string> ServerArguments()
    {
        yield return $"--GURUCONNECT_DATA_DIR={DataDirectory}";
        if (PostgresConnectionString is not null)
        {
            yield return $"--ConnectionStrings:Postgres={PostgresConnectionString}";
        }
    }

    internal GuruConnect.Server.Data.Database Open() => PostgresConnectionString is not null
        ? new(GuruConnect.Server.Data.DatabaseProvider.Postgres, PostgresConnectionString)
        : new(GuruConnect.Server.Data.DatabaseProvider.Sqlite, $"Data Source={Path.Combine(DataDirectory, "guruconnect.db")}");

    public async ValueTask DisposeAsync()
    {
        if (PostgresConnectionString is not null)
        {
            await PostgresInstance.DropDatabaseAsync(PostgresConnectionString);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
