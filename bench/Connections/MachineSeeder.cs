using Dapper;
using GuruConnect.Server.Data;
using GuruConnect.Server.Machines;
using Microsoft.Extensions.DependencyInjection;

namespace GuruConnect.Bench.Connections;

/// <summary>
/// Creates N machines and their <c>cak_</c> keys straight in the database, in one transaction — enrolling
/// 10 000 machines through Argon2id would measure enrollment, not connections (that is bench/Enrollment).
/// </summary>
internal static class MachineSeeder
{
    public static async Task<IReadOnlyList<string>> SeedAsync(IServiceProvider services, int count)
    {
        var database = services.GetRequiredService<Database>();
        var keys = services.GetRequiredService<MachineKeyStore>();
        var now = TimeProvider.System.GetUtcNow();
        var issued = new List<string>(count);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.CreateVersion7(now);
            await connection.ExecuteAsync(
                """
                INSERT INTO machines (id, tenant_id, machine_uid, hostname, enrollment_state, created_at, updated_at)
                VALUES (@id, @tenantId, @uid, @hostname, 'active', @now, @now)
                """,
                new { id, tenantId = Tenants.Default, uid = $"bench-{i:D6}", hostname = $"PC-{i:D6}", now }, transaction);
            issued.Add((await keys.IssueAsync(connection, transaction, id, CancellationToken.None)).Key);
        }

        await transaction.CommitAsync();
        return issued;
    }
}
