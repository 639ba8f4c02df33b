using System.Data.Common;
using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Machines;

/// <summary>SQL for machine rows that the relay and enrollment share; search lives in <see cref="MachineSearch"/>.</summary>
internal sealed partial class MachineStore(Database database, TimeProvider time)
{
    public const string Columns =
        "id, tenant_id, site_id, machine_uid, uid_scope, hostname, display_name, company, site_label, department, device_type, tags, " +
        "enrollment_state, pending_hostname, last_seen, agent_version, os_name, os_version, cpu_model, cpu_cores, ram_bytes, manufacturer, " +
        "model, serial_number, private_ips, macs, external_ip, logged_on_user, time_zone, uptime_seconds, is_admin, user_idle_since, created_at, updated_at, deleted_at";

    public Database Database => database;

    public async Task<MachineRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await GetAsync(connection, null, id, cancellationToken);
    }

    public static Task<MachineRecord?> GetAsync(DbConnection connection, DbTransaction? transaction, Guid id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<MachineRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM machines WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));

    public async Task<MachineRecord?> FindByUidAsync(Guid tenantId, string machineUid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindByUidAsync(connection, null, tenantId, machineUid, cancellationToken);
    }

    public static Task<MachineRecord?> FindByUidAsync(DbConnection connection, DbTransaction? transaction, Guid tenantId, string machineUid, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<MachineRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM machines WHERE tenant_id = @tenantId AND machine_uid = @machineUid",
            new { tenantId, machineUid }, transaction, cancellationToken: cancellationToken));

    /// <summary>Managed machines that are not removed: the relay restores them as offline sessions after a restart.</summary>
    public async Task<IReadOnlyList<MachineRecord>> ListLiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<MachineRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM machines WHERE deleted_at IS NULL AND enrollment_state = 'active'", cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Stores what the agent reported about itself; the external IP is the connection's.</summary>
    public async Task UpdateInventoryAsync(Guid id, MachineInventory inventory, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE machines SET os_name = @OsName, os_version = @OsVersion, cpu_model = @CpuModel, cpu_cores = @CpuCores,
                ram_bytes = @RamBytes, manufacturer = @Manufacturer, model = @Model, serial_number = @SerialNumber,
                private_ips = @privateIps, macs = @macs, external_ip = @ExternalIp, logged_on_user = @LoggedOnUser,
                time_zone = @TimeZone, uptime_seconds = @UptimeSeconds, is_admin = @IsAdmin, user_idle_since = @UserIdleSince,
                updated_at = @now
            WHERE id = @id
            """,
            new
            {
                id,
                inventory.OsName,
                inventory.OsVersion,
                inventory.CpuModel,
                inventory.CpuCores,
                inventory.RamBytes,
                inventory.Manufacturer,
                inventory.Model,
                inventory.SerialNumber,
                privateIps = string.Join(' ', inventory.PrivateIps),
                macs = string.Join(' ', inventory.Macs),
                inventory.ExternalIp,
                inventory.LoggedOnUser,
                inventory.TimeZone,
                inventory.UptimeSeconds,
                inventory.IsAdmin,
                inventory.UserIdleSince,
                now = time.GetUtcNow(),
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>Records hello facts (hostname, agent version) and last seen.</summary>
    public async Task UpdateHelloAsync(Guid id, string? hostname, string? agentVersion, string? uidScope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE machines SET hostname = COALESCE(@hostname, hostname), agent_version = COALESCE(@agentVersion, agent_version),
                uid_scope = COALESCE(@uidScope, uid_scope), last_seen = @now, updated_at = @now
            WHERE id = @id
            """,
            new { id, hostname, agentVersion, uidScope, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    public async Task TouchLastSeenAsync(IReadOnlyCollection<Guid> ids, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var id in ids)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE machines SET last_seen = @at WHERE id = @id", new { id, at }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
