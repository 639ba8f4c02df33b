using System.Data.Common;
using Dapper;
using GuruConnect.Protocol;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Sites;

/// <summary>Sites and their enrollment keys. Rotation is one transaction; the database allows one active key per site.</summary>
internal sealed class SiteStore(Database database, Argon2id argon2, TimeProvider time)
{
    private const string SiteColumns = "id, tenant_id, site_code, display_name, company, enrollment_policy, created_at, updated_at";

    public async Task<SiteRecord?> CreateAsync(string siteCode, string? displayName, string? company, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var site = new SiteRecord
        {
            Id = Guid.CreateVersion7(now),
            TenantId = Tenants.Default,
            SiteCode = siteCode,
            DisplayName = displayName,
            Company = company,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO sites (id, tenant_id, site_code, display_name, company, enrollment_policy, created_at, updated_at)
                VALUES (@Id, @TenantId, @SiteCode, @DisplayName, @Company, @EnrollmentPolicy, @CreatedAt, @UpdatedAt)
                """, site, cancellationToken: cancellationToken));
            return site;
        }
        catch (DbException ex) when (SqlDialect.IsUniqueViolation(ex, out _))
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<SiteListRow>> ListAsync(Guid? id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SiteListRow>(new CommandDefinition(
            $"""
            SELECT s.id, s.site_code, s.display_name, s.company, s.enrollment_policy, s.created_at,
                   k.version AS key_version, k.fingerprint AS key_fingerprint,
                   (SELECT COUNT(*) FROM machines m WHERE m.site_id = s.id AND m.deleted_at IS NULL) AS machine_count
            FROM sites s
            LEFT JOIN site_enrollment_keys k ON k.site_id = s.id AND k.active = @active
            WHERE s.tenant_id = @tenantId {(id is null ? string.Empty : "AND s.id = @id")}
            ORDER BY lower(s.site_code)
            """,
            new { tenantId = Tenants.Default, id, active = true }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sites WHERE id = @id AND tenant_id = @tenantId", new { id, tenantId = Tenants.Default },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Issues a new key version: deactivates the old key and inserts the new active one in one
    /// transaction. Returns the plaintext exactly once. Null when the site does not exist.
    /// </summary>
    public async Task<(string Key, int Version, string Fingerprint)?> RotateKeyAsync(Guid siteId, CancellationToken cancellationToken)
    {
        var key = SecretKeys.Generate(SecretKeys.EnrollmentKeyPrefix);
        var hash = await argon2.HashAsync(key, cancellationToken);
        var fingerprint = KeyFingerprint.Of(key);
        var now = time.GetUtcNow();
        return await database.InTransactionAsync<(string, int, string)?>(async (connection, transaction) =>
        {
            // Lock the site row: two concurrent rotations serialise instead of racing on the version.
            var site = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
                $"SELECT id FROM sites WHERE id = @siteId AND tenant_id = @tenantId{database.Dialect.ForUpdate}",
                new { siteId, tenantId = Tenants.Default }, transaction, cancellationToken: cancellationToken));
            if (site is null)
            {
                return null;
            }

            var version = 1 + await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COALESCE(MAX(version), 0) FROM site_enrollment_keys WHERE site_id = @siteId", new { siteId }, transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE site_enrollment_keys SET active = @inactive, rotated_at = @now WHERE site_id = @siteId AND active = @active",
                new { siteId, now, active = true, inactive = false }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO site_enrollment_keys (id, site_id, version, key_hash, fingerprint, active, created_at)
                VALUES (@id, @siteId, @version, @hash, @fingerprint, @active, @now)
                """,
                new { id = Guid.CreateVersion7(now), siteId, version, hash, fingerprint, active = true, now }, transaction,
                cancellationToken: cancellationToken));
            return (key, version, fingerprint);
        }, cancellationToken);
    }

    public async Task<EnrollmentKeyInfo?> GetCurrentKeyAsync(Guid siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            """
            SELECT k.version, k.fingerprint, k.active FROM site_enrollment_keys k JOIN sites s ON s.id = k.site_id
            WHERE k.site_id = @siteId AND s.tenant_id = @tenantId
            ORDER BY k.version DESC LIMIT 1
            """,
            new { siteId, tenantId = Tenants.Default }, cancellationToken: cancellationToken));
        return row is null ? null : new EnrollmentKeyInfo(siteId, row.Version, row.Fingerprint, KeyFingerprint.Label(row.Version, row.Fingerprint), row.Active);
    }

    /// <summary>The site's active key for enrollment (case-insensitive site code), or null.</summary>
    public async Task<(Guid? SiteId, ActiveEnrollmentKey? Key)> FindForEnrollmentAsync(string siteCode, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<EnrollRow>(new CommandDefinition(
            """
            SELECT s.id AS site_id, s.site_code, k.id AS key_id, k.version, k.key_hash, k.fingerprint
            FROM sites s LEFT JOIN site_enrollment_keys k ON k.site_id = s.id AND k.active = @active
            WHERE s.tenant_id = @tenantId AND lower(s.site_code) = lower(@siteCode)
            """,
            new { tenantId = Tenants.Default, siteCode, active = true }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return (null, null);
        }

        return (row.SiteId, row.KeyId is { } keyId
            ? new ActiveEnrollmentKey(row.SiteId, row.SiteCode, keyId, row.Version!.Value, row.KeyHash!, row.Fingerprint!)
            : null);
    }

    private sealed record KeyRow
    {
        public int Version { get; init; }
        public string Fingerprint { get; init; } = string.Empty;
        public bool Active { get; init; }
    }

    private sealed record EnrollRow
    {
        public Guid SiteId { get; init; }
        public string SiteCode { get; init; } = string.Empty;
        public Guid? KeyId { get; init; }
        public int? Version { get; init; }
        public string? KeyHash { get; init; }
        public string? Fingerprint { get; init; }
    }
}

internal sealed record SiteListRow
{
    public Guid Id { get; init; }
    public string SiteCode { get; init; } = string.Empty;
    public string? DisplayName { get; init; }
    public string? Company { get; init; }
    public string EnrollmentPolicy { get; init; } = string.Empty;
    public DateTimeOffset CreatedAt { get; init; }
    public int? KeyVersion { get; init; }
    public string? KeyFingerprint { get; init; }
    public long MachineCount { get; init; }

    public SiteResponse ToResponse() => new(
        Id, SiteCode, DisplayName, Company, EnrollmentPolicy,
        KeyVersion is { } v ? new SiteKeySummary(v, KeyFingerprint!, GuruConnect.Protocol.KeyFingerprint.Label(v, KeyFingerprint!)) : null,
        MachineCount, CreatedAt);
}
