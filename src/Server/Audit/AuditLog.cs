using System.Text.Json;
using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Audit;

/// <summary>
/// Writes audit events. A failure to write is logged and swallowed: auditing never fails the
/// action it records (docs/api.md "Audit").
/// </summary>
internal sealed class AuditLog(Database database, TimeProvider time, ILogger<AuditLog> logger)
{
    public async Task WriteAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        try
        {
            var now = time.GetUtcNow();
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO audit_events (id, tenant_id, at, type, actor, actor_id, machine_id, session_id, ip, details)
                VALUES (@id, @tenantId, @at, @Type, @Actor, @ActorId, @MachineId, @SessionId, @Ip, @details)
                """,
                new
                {
                    id = Guid.CreateVersion7(now),
                    tenantId = Tenants.Default,
                    at = now,
                    entry.Type,
                    entry.Actor,
                    entry.ActorId,
                    entry.MachineId,
                    entry.SessionId,
                    entry.Ip,
                    details = JsonSerializer.Serialize(entry.Details ?? new Dictionary<string, object?>()),
                },
                cancellationToken: CancellationToken.None));
        }
        catch (Exception ex)
        {
            AuditLogMessages.WriteFailed(logger, entry.Type, ex);
        }
    }
}
