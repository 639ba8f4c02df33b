using Npgsql;

namespace GuruConnect.Server.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests use: <c>GURUCONNECT_TEST_POSTGRES</c> is an admin connection
/// string (scripts/test.sh starts a throwaway cluster and sets it). Each test gets its own fresh
/// database. Without it the PostgreSQL half of the matrix is skipped with the reason — unless
/// <c>GURUCONNECT_REQUIRE_POSTGRES=1</c> (CI), where that is a failure.
/// </summary>
public static class PostgresInstance
{
    public const string ConnectionVariable = "GURUCONNECT_TEST_POSTGRES";
    public const string RequireVariable = "GURUCONNECT_REQUIRE_POSTGRES";

    private static readonly Lazy<Task<string?>> Available = new(ProbeAsync);

    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = await Available.Value;
        if (admin is null)
        {
            const string reason = $"PostgreSQL is not available: set {ConnectionVariable} to an admin connection string (scripts/test.sh does this).";
            if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            {
                Assert.Fail(reason + $" {RequireVariable}=1 makes this a failure.");
            }

            Assert.Skip(reason);
        }

        var name = "gc_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 30 }.ToString();
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var admin = await Available.Value;
        if (admin is null)
        {
            return;
        }

        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> ProbeAsync()
    {
        var admin = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            return null;
        }

        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        return admin;
    }
}
