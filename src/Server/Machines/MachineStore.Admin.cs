using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Machines;

/// <summary>Admin changes to machine rows: labels, approval, soft removal.</summary>
internal sealed partial class MachineStore
{
    public async Task<(MachineRecord Machine, MachineSiteRef? Site)?> GetWithSiteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var machine = await GetAsync(connection, null, id, cancellationToken);
        if (machine is null || machine.TenantId != Tenants.Default)
        {
            return null;
        }

        var site = machine.SiteId is null ? null : await connection.QuerySingleOrDefaultAsync<MachineSiteRef>(new CommandDefinition(
            "SELECT id AS site_ref_id, site_code, display_name AS site_display_name FROM sites WHERE id = @SiteId",
            new { machine.SiteId }, cancellationToken: cancellationToken));
        return (machine, site);
    }

    public async Task<bool> UpdateLabelsAsync(Guid id, UpdateMachineRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE machines SET
                display_name = CASE WHEN @setDisplayName THEN @DisplayName ELSE display_name END,
                company = CASE WHEN @setCompany THEN @Company ELSE company END,
                site_label = CASE WHEN @setSite THEN @Site ELSE site_label END,
                department = CASE WHEN @setDepartment THEN @Department ELSE department END,
                device_type = CASE WHEN @setDeviceType THEN @DeviceType ELSE device_type END,
                tags = CASE WHEN @setTags THEN @tags ELSE tags END,
                updated_at = @now
            WHERE id = @id AND tenant_id = @tenantId AND deleted_at IS NULL
            """,
            new
            {
                id,
                tenantId = Tenants.Default,
                setDisplayName = request.DisplayName is not null,
                DisplayName = Blank(request.DisplayName),
                setCompany = request.Company is not null,
                Company = Blank(request.Company),
                setSite = request.Site is not null,
                Site = Blank(request.Site),
                setDepartment = request.Department is not null,
                Department = Blank(request.Department),
                setDeviceType = request.DeviceType is not null,
                DeviceType = Blank(request.DeviceType),
                setTags = request.Tags is not null,
                tags = MachineTags.Serialize(request.Tags ?? []),
                now = time.GetUtcNow(),
            },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>pending → active. False when the machine does not exist or is not pending.</summary>
    public async Task<bool> ApproveAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE machines SET enrollment_state = 'active', pending_hostname = NULL, updated_at = @now
            WHERE id = @id AND tenant_id = @tenantId AND enrollment_state = 'pending' AND deleted_at IS NULL
            """,
            new { id, tenantId = Tenants.Default, now = time.GetUtcNow() }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Soft-removes machines and revokes their keys (so a revived row never brings an old key back).
    /// Returns the ids that exist (removed now or before): removal is idempotent.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> RemoveAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var dialect = database.Dialect;
        // DynamicParameters: Dapper expands the SQLite id list only when it sees the runtime type.
        var lookup = new DynamicParameters(new { tenantId = Tenants.Default });
        lookup.Add("ids", dialect.IdList(ids));
        var existing = (await connection.QueryAsync<Guid>(new CommandDefinition(
            $"SELECT id FROM machines WHERE {dialect.IdIn("id", "ids")} AND tenant_id = @tenantId",
            lookup, transaction, cancellationToken: cancellationToken))).AsList();
        if (existing.Count > 0)
        {
            var change = new DynamicParameters(new { now });
            change.Add("found", dialect.IdList(existing));
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE machines SET deleted_at = @now, updated_at = @now WHERE {dialect.IdIn("id", "found")} AND deleted_at IS NULL",
                change, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE machine_keys SET revoked_at = @now WHERE {dialect.IdIn("machine_id", "found")} AND revoked_at IS NULL",
                change, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return existing;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
