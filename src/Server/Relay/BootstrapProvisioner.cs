using System.Data.Common;
using Dapper;
using GuruConnect.Protocol;
using GuruConnect.Server.Data;
using GuruConnect.Server.Machines;

namespace GuruConnect.Server.Relay;

/// <summary>
/// Trust on first use for agents that still present the deprecated shared bootstrap key (docs/protocol.md "Key
/// provisioning"): resolve or create the machine by the uid in <c>AgentHello</c> (default tenant, no
/// site), and mint its <c>cak_</c> only when it has no active key. The check and the mint happen in one
/// transaction holding the machine row (SQLite: a write transaction), so two racing bootstrap connects
/// never both get a key.
/// </summary>
internal sealed class BootstrapProvisioner(Database database, MachineKeyStore keys, TimeProvider time)
{
    public async Task<BootstrapResult> ResolveAsync(string machineUid, string? hostname, CancellationToken cancellationToken)
    {
        try
        {
            return await database.InTransactionAsync((c, t) => ResolveAsync(c, t, machineUid, hostname, cancellationToken), cancellationToken);
        }
        catch (DbException e) when (SqlDialect.IsUniqueViolation(e, out _))
        {
            // Two first connects of one uid raced to create the row; the other won, so now it exists.
            return await database.InTransactionAsync((c, t) => ResolveAsync(c, t, machineUid, hostname, cancellationToken), cancellationToken);
        }
    }

    private async Task<BootstrapResult> ResolveAsync(DbConnection connection, DbTransaction transaction, string machineUid, string? hostname, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<BootstrapRow>(new CommandDefinition(
            $"SELECT id, enrollment_state, deleted_at, created_at FROM machines WHERE tenant_id = @tenantId AND machine_uid = @machineUid{database.Dialect.ForUpdate}",
            new { tenantId = Tenants.Default, machineUid }, transaction, cancellationToken: cancellationToken));
        var created = false;
        if (row is null)
        {
            var now = time.GetUtcNow();
            row = new BootstrapRow(Guid.CreateVersion7(now), EnrollmentStates.Active, null, now);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO machines (id, tenant_id, site_id, machine_uid, hostname, enrollment_state, created_at, updated_at)
                VALUES (@Id, @tenantId, NULL, @machineUid, @hostname, 'active', @CreatedAt, @CreatedAt)
                """,
                new { row.Id, tenantId = Tenants.Default, machineUid, hostname = hostname ?? "unknown", row.CreatedAt },
                transaction, cancellationToken: cancellationToken));
            created = true;
        }
        else if (row.DeletedAt is not null)
        {
            return new BootstrapResult(row.Id, row.CreatedAt, null, false, CloseReasons.Removed);
        }
        else if (row.EnrollmentState == EnrollmentStates.Pending)
        {
            return new BootstrapResult(row.Id, row.CreatedAt, null, false, CloseReasons.Pending);
        }

        var active = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM machine_keys WHERE machine_id = @Id AND revoked_at IS NULL",
            new { row.Id }, transaction, cancellationToken: cancellationToken));
        var issued = active == 0 ? await keys.IssueAsync(connection, transaction, row.Id, cancellationToken) : null;
        return new BootstrapResult(row.Id, row.CreatedAt, issued, created, null);
    }

    private sealed record BootstrapRow(Guid Id, string EnrollmentState, DateTimeOffset? DeletedAt, DateTimeOffset CreatedAt);
}
