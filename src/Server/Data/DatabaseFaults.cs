using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GuruConnect.Server.Data;

/// <summary>
/// Tells "the database cannot be reached or cannot write right now" (PostgreSQL stopped or restarting, the
/// pool starved, SQLite's folder full or read-only) from a fault in a statement. The first kind is the
/// operator's to fix and the client's to retry: a 503 with one clear log line, not a 500 and a stack trace
/// per request (docs/security.md "Hardening findings").
/// </summary>
internal static class DatabaseFaults
{
    // SQLite primary result codes: BUSY, READONLY, IOERR, FULL, CANTOPEN.
    private const int SqliteBusy = 5;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    /// <summary>True when <paramref name="exception"/> (or what it wraps) is the database being unavailable; <paramref name="kind"/> says which, for the log.</summary>
    public static bool IsUnavailable(Exception exception, out string kind)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres when postgres.IsTransient || postgres.SqlState.StartsWith("08", StringComparison.Ordinal) ||
                                                     postgres.SqlState.StartsWith("53", StringComparison.Ordinal) || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal):
                    kind = $"PostgreSQL {postgres.SqlState}";
                    return true;
                case PostgresException:
                    kind = string.Empty;
                    return false;
                case NpgsqlException { IsTransient: true } npgsql:
                    kind = "PostgreSQL unreachable" + (npgsql.InnerException is { } inner ? $" ({inner.GetType().Name})" : string.Empty);
                    return true;
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteReadOnly or SqliteIoError or SqliteFull or SqliteCantOpen } sqlite:
                    kind = sqlite.SqliteErrorCode switch
                    {
                        SqliteBusy => "SQLite busy",
                        SqliteReadOnly => "SQLite read-only",
                        SqliteIoError => "SQLite I/O error",
                        SqliteFull => "SQLite disk full",
                        _ => "SQLite cannot open the database file",
                    };
                    return true;
                case DbException:
                    kind = string.Empty;
                    return false;
            }
        }

        kind = string.Empty;
        return false;
    }

    /// <summary>The one line a start-up refusal prints (Program.cs) when the database is unavailable: what to check, no stack trace.</summary>
    public static string StartupMessage(Database database, ServerPaths paths, string kind) => database.Provider == DatabaseProvider.Sqlite
        ? $"the SQLite database {paths.SqliteFile} cannot be written ({kind}): the data folder {paths.DataDirectory} must exist, be writable by this user and have free space (GURUCONNECT_DATA_DIR)."
        : $"the PostgreSQL database cannot be used ({kind}): check that it is running and that ConnectionStrings:Postgres points at it.";
}
