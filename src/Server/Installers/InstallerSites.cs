using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Installers;

/// <summary>The site facts an installer needs: code, defaults for labels, and the active key's hash to check a pasted key against.</summary>
internal sealed class InstallerSites(Database database)
{
    public async Task<InstallerSite?> FindAsync(Guid siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<InstallerSite>(new CommandDefinition(
            """
            SELECT s.id, s.site_code, s.display_name, s.company, k.version AS key_version, k.key_hash, k.fingerprint AS key_fingerprint
            FROM sites s LEFT JOIN site_enrollment_keys k ON k.site_id = s.id AND k.active = @active
            WHERE s.id = @siteId AND s.tenant_id = @tenantId
            """,
            new { siteId, tenantId = Tenants.Default, active = true }, cancellationToken: cancellationToken));
    }
}

internal sealed record InstallerSite
{
    public Guid Id { get; init; }
    public string SiteCode { get; init; } = string.Empty;
    public string? DisplayName { get; init; }
    public string? Company { get; init; }
    public int? KeyVersion { get; init; }
    public string? KeyHash { get; init; }
    public string? KeyFingerprint { get; init; }
}
