using System.Data.Common;
using Dapper;

namespace GuruConnect.Server.Data;

/// <summary>
/// Applies pending migrations at start-up, each in its own transaction, and records its checksum.
/// A migration whose text changed after it was applied stops start-up: it is never re-applied.
/// On PostgreSQL a session advisory lock serialises concurrent start-ups of several servers;
/// on SQLite each migration runs under BEGIN IMMEDIATE and re-checks what is applied.
/// </summary>
internal sealed class MigrationRunner(Database database, IReadOnlyList<Migration> migrations, TimeProvider time, ILogger<MigrationRunner> logger)
{
    // Arbitrary constant shared by every GuruConnect server: "GCMIGRAT" as ASCII.
    private const long AdvisoryLockKey = 0x47434D4947524154;

    public async Task<int> ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken));
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    checksum TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """, cancellationToken: cancellationToken));

            var applied = 0;
            foreach (var migration in migrations)
            {
                if (await ApplyOneAsync(connection, migration, cancellationToken))
                {
                    applied++;
                }
            }

            await CheckNoUnknownAsync(connection, cancellationToken);
            return applied;
        }
        finally
        {
            if (database.Provider == DatabaseProvider.Postgres)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None));
            }
        }
    }

    private async Task<bool> ApplyOneAsync(DbConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stored = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT checksum FROM schema_migrations WHERE version = @Version",
            new { migration.Version }, transaction, cancellationToken: cancellationToken));

        if (stored is not null)
        {
            if (!string.Equals(stored, migration.Checksum, StringComparison.Ordinal))
            {
                throw new MigrationChecksumException(migration, stored);
            }

            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, @AppliedAt)",
            new { migration.Version, migration.Name, migration.Checksum, AppliedAt = DapperTypeHandlers.ToSqliteText(time.GetUtcNow()) },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        DataLog.MigrationApplied(logger, migration.Label, database.Provider);
        return true;
    }

    private async Task CheckNoUnknownAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var newest = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            "SELECT MAX(version) FROM schema_migrations", cancellationToken: cancellationToken)) ?? 0;
        if (newest > migrations.Count)
        {
            throw new InvalidOperationException(
                $"The database has migration {newest} applied but this build only knows {migrations.Count}. " +
                "It was upgraded by a newer GuruConnect: run that version, or restore a backup taken before the upgrade.");
        }
    }
}
