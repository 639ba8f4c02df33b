using System.Data.Common;
using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Machines;

/// <summary>The machine-row statements of enrollment, run inside enrollment's transaction.</summary>
internal sealed partial class MachineStore
{
    /// <summary>The row of <paramref name="machineUid"/>, locked for the rest of the transaction where the engine can.</summary>
    public Task<MachineRecord?> FindByUidForUpdateAsync(DbConnection connection, DbTransaction transaction, string machineUid, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<MachineRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM machines WHERE tenant_id = @tenantId AND machine_uid = @uid{database.Dialect.ForUpdate}",
            new { tenantId = Tenants.Default, uid = machineUid }, transaction, cancellationToken: cancellationToken));

    public static Task InsertEnrolledAsync(DbConnection connection, DbTransaction transaction, Guid id, EnrollingMachine machine, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO machines (id, tenant_id, site_id, machine_uid, hostname, company, site_label, department, device_type, tags,
                                  enrollment_state, created_at, updated_at)
            VALUES (@id, @tenantId, @siteId, @uid, @hostname, @company, @siteLabel, @department, @deviceType, @tags, 'active', @now, @now)
            """,
            new
            {
                id,
                tenantId = Tenants.Default,
                siteId = machine.SiteId,
                uid = machine.MachineUid,
                hostname = machine.Hostname,
                company = machine.Company,
                siteLabel = machine.SiteLabel,
                department = machine.Department,
                deviceType = machine.DeviceType,
                tags = MachineTags.Serialize(machine.Tags ?? []),
                now,
            },
            transaction, cancellationToken: cancellationToken));

    /// <summary>Holds the machine for an admin's approval, remembering the hostname that asked.</summary>
    public static Task MarkPendingAsync(DbConnection connection, DbTransaction transaction, Guid id, string hostname, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE machines SET enrollment_state = 'pending', pending_hostname = @hostname, updated_at = @now WHERE id = @id",
            new { id, hostname, now }, transaction, cancellationToken: cancellationToken));

    /// <summary>Reuse: refresh the hostname, apply only the labels that were sent, bind a legacy row, revive a removed one.</summary>
    public static Task ReuseForEnrollmentAsync(DbConnection connection, DbTransaction transaction, Guid id, EnrollingMachine machine, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE machines SET hostname = @hostname, site_id = @siteId,
                company = COALESCE(@company, company), site_label = COALESCE(@siteLabel, site_label),
                department = COALESCE(@department, department), device_type = COALESCE(@deviceType, device_type),
                tags = COALESCE(@tags, tags), deleted_at = NULL, updated_at = @now
            WHERE id = @id
            """,
            new
            {
                id,
                hostname = machine.Hostname,
                siteId = machine.SiteId,
                company = machine.Company,
                siteLabel = machine.SiteLabel,
                department = machine.Department,
                deviceType = machine.DeviceType,
                tags = machine.Tags is { } tags ? MachineTags.Serialize(tags) : null,
                now,
            },
            transaction, cancellationToken: cancellationToken));

    /// <summary>Whether a unique violation is the one-machine-per-(tenant, uid) index: two first enrollments raced.</summary>
    public static bool IsUidConflict(string? constraint) =>
        constraint is not null && (constraint.Contains("ux_machines_tenant_uid", StringComparison.Ordinal) || constraint.Contains("machines.machine_uid", StringComparison.Ordinal));
}
