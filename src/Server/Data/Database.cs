using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GuruConnect.Server.Data;

/// <summary>
/// The one way into the database: opens a connection for the configured provider and carries
/// the <see cref="SqlDialect"/> for the few places where SQLite and PostgreSQL differ.
/// </summary>
internal sealed class Database
{
    static Database() => DapperTypeHandlers.Register();

    public Database(DatabaseProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Dialect = provider == DatabaseProvider.Postgres ? SqlDialect.Postgres : SqlDialect.Sqlite;
        if (provider == DatabaseProvider.Postgres)
        {
            DataSource = NpgsqlDataSource.Create(connectionString);
        }
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public SqlDialect Dialect { get; }

    private NpgsqlDataSource? DataSource { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (DataSource is not null)
        {
            return await DataSource.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Foreign keys are per connection in SQLite; busy_timeout lets concurrent writers queue.
            await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction (SQLite: BEGIN IMMEDIATE, so writers serialise).</summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
