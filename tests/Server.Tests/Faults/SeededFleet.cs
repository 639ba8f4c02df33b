using Dapper;
using GuruConnect.Server.Data;
using GuruConnect.Server.Machines;

namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// Thousands of enrolled machines with their real <c>cak_</c> keys, written in one transaction through the
/// server's own key store: enrolling them one by one through Argon2id would measure enrollment (that is
/// bench/Enrollment and the kill -9 run), not the fleet coming back.
/// </summary>
internal static class SeededFleet
{
    public static async Task<(string Uid, string Key)[]> SeedAsync(GuruServer server, int count)
    {
        var database = server.Services.GetRequiredService<Database>();
        var keys = server.Services.GetRequiredService<MachineKeyStore>();
        var now = server.Clock.GetUtcNow();
        var fleet = new (string Uid, string Key)[count];
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.CreateVersion7(now);
            var uid = $"swarm-{i:D5}";
            await connection.ExecuteAsync(
                """
                INSERT INTO machines (id, tenant_id, machine_uid, hostname, enrollment_state, created_at, updated_at)
                VALUES (@id, @tenantId, @uid, @hostname, 'active', @now, @now)
                """,
                new { id, tenantId = Tenants.Default, uid, hostname = $"PC-{i:D5}", now }, transaction);
            fleet[i] = (uid, (await keys.IssueAsync(connection, transaction, id, CancellationToken.None)).Key);
        }

        await transaction.CommitAsync();
        return fleet;
    }

    /// <summary>The soft open-file limit of this process (Linux; null elsewhere or when unreadable).</summary>
    public static long? OpenFileLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return soft is null ? null : soft == "unlimited" ? long.MaxValue : long.Parse(soft, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
