using System.Text;
using System.Text.Json;
using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Audit;

/// <summary>Reads audit events with filters and paging, newest first.</summary>
internal sealed class AuditQuery(Database database)
{
    public async Task<(IReadOnlyList<AuditEventResponse> Items, long Total)> FindAsync(
        AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        var where = new StringBuilder("tenant_id = @tenantId");
        if (filter.Type is not null)
        {
            where.Append(" AND type = @Type");
        }

        if (filter.MachineId is not null)
        {
            where.Append(" AND machine_id = @MachineId");
        }

        if (filter.SessionId is not null)
        {
            where.Append(" AND session_id = @SessionId");
        }

        if (filter.Since is not null)
        {
            where.Append(" AND at >= @Since");
        }

        if (filter.Until is not null)
        {
            where.Append(" AND at < @Until");
        }

        var parameters = new DynamicParameters(filter);
        parameters.Add("tenantId", Tenants.Default);
        parameters.Add("limit", pageSize);
        parameters.Add("offset", (page - 1) * pageSize);

        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM audit_events WHERE {where}", parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            $"""
            SELECT id, at, type, actor, actor_id, machine_id, session_id, ip, details
            FROM audit_events WHERE {where}
            ORDER BY at DESC, id DESC LIMIT @limit OFFSET @offset
            """, parameters, cancellationToken: cancellationToken));
        return (rows.Select(r => r.ToResponse()).ToList(), total);
    }

    private sealed record AuditRow(
        Guid Id, DateTimeOffset At, string Type, string? Actor, Guid? ActorId, Guid? MachineId, Guid? SessionId, string? Ip, string Details)
    {
        public AuditEventResponse ToResponse() => new(
            Id, At, Type, Actor, ActorId, MachineId, SessionId, Ip,
            JsonSerializer.Deserialize<JsonElement>(string.IsNullOrEmpty(Details) ? "{}" : Details));
    }
}

internal sealed record AuditFilter(string? Type, Guid? MachineId, Guid? SessionId, DateTimeOffset? Since, DateTimeOffset? Until);

public sealed record AuditEventResponse(
    Guid Id, DateTimeOffset At, string Type, string? Actor, Guid? ActorId, Guid? MachineId, Guid? SessionId, string? Ip, JsonElement Details);
