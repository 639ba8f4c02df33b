using Microsoft.Data.Sqlite;
using Npgsql;

namespace GuruConnect.Server.Data;

/// <summary>
/// Every difference between SQLite and PostgreSQL that the stores care about, in one place
/// (CONTRIBUTING.md "Database and migrations"): no scattered <c>if (postgres)</c>.
/// </summary>
internal sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new(
        DatabaseProvider.Sqlite, likeOperator: "LIKE", forUpdate: string.Empty);

    public static readonly SqlDialect Postgres = new(
        DatabaseProvider.Postgres, likeOperator: "ILIKE", forUpdate: " FOR UPDATE");

    private SqlDialect(DatabaseProvider provider, string likeOperator, string forUpdate)
    {
        Provider = provider;
        LikeOperator = likeOperator;
        ForUpdate = forUpdate;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>Case-insensitive LIKE (SQLite's LIKE already ignores ASCII case).</summary>
    public string LikeOperator { get; }

    /// <summary>Row lock suffix for a SELECT inside a transaction (SQLite serialises writers instead).</summary>
    public string ForUpdate { get; }

    /// <summary>True when <paramref name="exception"/> is a unique-constraint violation; names the index when known.</summary>
    public static bool IsUniqueViolation(Exception exception, out string? constraint)
    {
        switch (exception)
        {
            case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg:
                constraint = pg.ConstraintName;
                return true;
            case SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } sqlite:
                // SQLite names the columns, not the index: "UNIQUE constraint failed: machines.tenant_id, machines.machine_uid".
                var marker = sqlite.Message.IndexOf("failed:", StringComparison.Ordinal);
                constraint = marker < 0 ? null : sqlite.Message[(marker + 7)..].Trim().TrimEnd('.', '\'');
                return true;
            default:
                constraint = null;
                return false;
        }
    }

    /// <summary>
    /// <c>column</c> is one of a list of ids bound as <paramref name="parameter"/> (see <see cref="IdList"/>):
    /// PostgreSQL takes one <c>uuid[]</c> (Dapper passes arrays whole to Npgsql), SQLite an expanded text list.
    /// </summary>
    public string IdIn(string column, string parameter) =>
        Provider == DatabaseProvider.Postgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";

    public string IdNotIn(string column, string parameter) =>
        Provider == DatabaseProvider.Postgres ? $"NOT ({column} = ANY(@{parameter}))" : $"{column} NOT IN @{parameter}";

    public object IdList(IEnumerable<Guid> ids) =>
        Provider == DatabaseProvider.Postgres ? ids.ToArray() : ids.Select(id => id.ToString("D")).ToArray();

    /// <summary>Escapes LIKE wildcards so user search text matches literally (used with <c>ESCAPE '\'</c>).</summary>
    public static string LikeContains(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
