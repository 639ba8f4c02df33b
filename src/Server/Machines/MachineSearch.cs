using System.Text;
using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Machines;

/// <summary>
/// The machines list and its search (docs/api.md "Search q"): case-insensitive substring over every
/// stored attribute; several terms are ANDed; <c>field:value</c> scopes a term. Column names come
/// only from the fixed tables below; every value is a parameter.
/// </summary>
internal sealed class MachineSearch(Database database)
{
    private static readonly string[] AnyColumns =
    [
        "m.hostname", "m.display_name", "m.company", "m.site_label", "m.department", "m.device_type", "m.tags",
        "m.os_name", "m.os_version", "m.logged_on_user", "m.private_ips", "m.external_ip", "m.macs", "m.serial_number",
        "m.agent_version", "m.machine_uid", "m.manufacturer", "m.model", "s.site_code", "s.display_name", "s.company",
    ];

    private static readonly Dictionary<string, string[]> ScopedColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["os"] = ["m.os_name", "m.os_version"],
        ["user"] = ["m.logged_on_user"],
        ["ip"] = ["m.private_ips", "m.external_ip"],
        ["tag"] = ["m.tags"],
        ["site"] = ["s.site_code", "s.display_name", "m.site_label"],
        // The machine's own company label, or the company of its site: the console's company tree groups by the latter.
        ["company"] = ["m.company", "s.company"],
        ["version"] = ["m.agent_version"],
        ["host"] = ["m.hostname", "m.display_name"],
        ["hostname"] = ["m.hostname", "m.display_name"],
        ["department"] = ["m.department"],
        ["dept"] = ["m.department"],
        ["type"] = ["m.device_type"],
        ["mac"] = ["m.macs"],
        ["serial"] = ["m.serial_number"],
        ["uid"] = ["m.machine_uid"],
    };

    public async Task<(IReadOnlyList<MachineListRow> Rows, long Total)> FindAsync(MachineQuery query, IReadOnlyCollection<Guid> onlineIds, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        parameters.Add("tenantId", Tenants.Default);
        var where = new StringBuilder("m.tenant_id = @tenantId AND m.deleted_at IS NULL");
        var like = database.Dialect.LikeOperator;
        var termIndex = 0;
        foreach (var term in ParseTerms(query.Q))
        {
            var columns = AnyColumns;
            var value = term;
            var colon = term.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && ScopedColumns.TryGetValue(term[..colon], out var scoped))
            {
                columns = scoped;
                value = term[(colon + 1)..];
            }

            if (value.Length == 0)
            {
                continue;
            }

            var name = $"q{termIndex++}";
            parameters.Add(name, SqlDialect.LikeContains(value));
            where.Append(" AND (").AppendJoin(" OR ", columns.Select(c => $"{c} {like} @{name} ESCAPE '\\'")).Append(')');
        }

        if (query.SiteId is { } siteId)
        {
            parameters.Add("siteId", siteId);
            where.Append(" AND m.site_id = @siteId");
        }

        switch (query.Status)
        {
            case "pending":
                where.Append(" AND m.enrollment_state = 'pending'");
                break;
            case "online":
                parameters.Add("online", database.Dialect.IdList(onlineIds));
                where.Append(onlineIds.Count == 0 ? " AND 1 = 0" : " AND " + database.Dialect.IdIn("m.id", "online"));
                break;
            case "offline":
                parameters.Add("online", database.Dialect.IdList(onlineIds));
                where.Append(onlineIds.Count == 0 ? string.Empty : " AND " + database.Dialect.IdNotIn("m.id", "online"));
                break;
        }

        parameters.Add("limit", query.PageSize);
        parameters.Add("offset", (query.Page - 1) * query.PageSize);
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM machines m LEFT JOIN sites s ON s.id = m.site_id WHERE {where}", parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<MachineRecord, MachineSiteRef, MachineListRow>(new CommandDefinition(
            $"""
            SELECT {string.Join(", ", MachineStore.Columns.Split(", ").Select(c => "m." + c))},
                   s.id AS site_ref_id, s.site_code, s.display_name AS site_display_name
            FROM machines m LEFT JOIN sites s ON s.id = m.site_id
            WHERE {where}
            ORDER BY lower(m.hostname), m.id
            LIMIT @limit OFFSET @offset
            """, parameters, cancellationToken: cancellationToken),
            (machine, site) => new MachineListRow(machine, site?.SiteRefId is null ? null : site),
            splitOn: "site_ref_id");
        return (rows.AsList(), total);
    }

    /// <summary>Whitespace-separated terms; double quotes keep spaces inside one term.</summary>
    public static IEnumerable<string> ParseTerms(string? q)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            yield break;
        }

        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in q)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (current.Length > 0)
                {
                    yield return current.ToString();
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }
}

internal sealed record MachineQuery(string? Q, Guid? SiteId, string? Status, int Page, int PageSize);

internal sealed record MachineSiteRef
{
    public Guid? SiteRefId { get; init; }
    public string? SiteCode { get; init; }
    public string? SiteDisplayName { get; init; }
}

internal sealed record MachineListRow(MachineRecord Machine, MachineSiteRef? Site);
