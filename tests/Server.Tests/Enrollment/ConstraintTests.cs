using System.Data.Common;
using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Tests.Enrollment;

/// <summary>The invariants are the database's, not only the code's: direct INSERTs that break them fail.</summary>
public sealed class ConstraintTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_second_active_enrollment_key_for_a_site_is_refused_by_the_database(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        await using var connection = await server.Database.Open().OpenAsync(CancellationToken.None);

        var error = await Should.ThrowAsync<DbException>(() => connection.ExecuteAsync(
            "INSERT INTO site_enrollment_keys (id, site_id, version, key_hash, fingerprint, active, created_at) VALUES (@id, @site, 99, 'h', 'FFFF', @active, @now)",
            new { id = Guid.NewGuid(), site = site.Id, active = true, now = server.Clock.GetUtcNow() }));
        SqlDialect.IsUniqueViolation(error, out _).ShouldBeTrue();

        // An inactive extra key is fine: the rule is about active ones.
        await connection.ExecuteAsync(
            "INSERT INTO site_enrollment_keys (id, site_id, version, key_hash, fingerprint, active, created_at) VALUES (@id, @site, 98, 'h', 'FFFF', @active, @now)",
            new { id = Guid.NewGuid(), site = site.Id, active = false, now = server.Clock.GetUtcNow() });
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_second_row_for_the_same_tenant_and_uid_is_refused_by_the_database(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        await using var connection = await server.Database.Open().OpenAsync(CancellationToken.None);
        const string insert = "INSERT INTO machines (id, tenant_id, machine_uid, hostname, created_at, updated_at) VALUES (@id, @tenant, @uid, 'PC', @now, @now)";
        var now = server.Clock.GetUtcNow();
        await connection.ExecuteAsync(insert, new { id = Guid.NewGuid(), tenant = Tenants.Default, uid = "uid-1", now });

        var error = await Should.ThrowAsync<DbException>(() => connection.ExecuteAsync(insert, new { id = Guid.NewGuid(), tenant = Tenants.Default, uid = "uid-1", now }));
        SqlDialect.IsUniqueViolation(error, out _).ShouldBeTrue();

        // Rows without a uid (legacy) are not constrained.
        await connection.ExecuteAsync(insert, new { id = Guid.NewGuid(), tenant = Tenants.Default, uid = (string?)null, now });
        await connection.ExecuteAsync(insert, new { id = Guid.NewGuid(), tenant = Tenants.Default, uid = (string?)null, now });
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Enrollment_state_is_checked_by_the_database(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        await using var connection = await server.Database.Open().OpenAsync(CancellationToken.None);
        await Should.ThrowAsync<DbException>(() => connection.ExecuteAsync(
            "INSERT INTO machines (id, tenant_id, machine_uid, hostname, enrollment_state, created_at, updated_at) VALUES (@id, @tenant, 'u', 'PC', 'approved', @now, @now)",
            new { id = Guid.NewGuid(), tenant = Tenants.Default, now = server.Clock.GetUtcNow() }));
    }
}
