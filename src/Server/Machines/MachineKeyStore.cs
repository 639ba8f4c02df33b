using Dapper;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Machines;

/// <summary>
/// Machine keys (<c>cak_…</c>): high-entropy, stored as SHA-256 and looked up by that hash. A
/// revoked key never authenticates again.
/// </summary>
internal sealed class MachineKeyStore(Database database, TimeProvider time)
{
    public async Task<IssuedMachineKey> IssueAsync(Guid machineId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await IssueAsync(connection, null, machineId, cancellationToken);
    }

    /// <summary>Issues a key inside the caller's transaction (enrollment mints the key with the row).</summary>
    public async Task<IssuedMachineKey> IssueAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, Guid machineId, CancellationToken cancellationToken)
    {
        var key = SecretKeys.Generate(SecretKeys.MachineKeyPrefix);
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO machine_keys (id, machine_id, key_hash, created_at) VALUES (@id, @machineId, @hash, @now)",
            new { id, machineId, hash = SecretKeys.Sha256Hex(key), now }, transaction, cancellationToken: cancellationToken));
        return new IssuedMachineKey(id, key);
    }

    /// <summary>Revokes every live key of the machine but <paramref name="keep"/>, inside the caller's transaction; returns their ids.</summary>
    public async Task<IReadOnlyList<Guid>> RevokeOthersAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, Guid machineId, Guid keep, CancellationToken cancellationToken)
    {
        var ids = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT id FROM machine_keys WHERE machine_id = @machineId AND id <> @keep AND revoked_at IS NULL",
            new { machineId, keep }, transaction, cancellationToken: cancellationToken))).AsList();
        if (ids.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE machine_keys SET revoked_at = @now WHERE machine_id = @machineId AND id <> @keep AND revoked_at IS NULL",
                new { machineId, keep, now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
        }

        return ids;
    }

    public async Task<IReadOnlyList<MachineKeyInfo>> ListAsync(Guid machineId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<MachineKeyInfo>(new CommandDefinition(
            "SELECT id AS key_id, created_at, last_used_at, revoked_at FROM machine_keys WHERE machine_id = @machineId ORDER BY created_at",
            new { machineId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Revokes one key of one machine. False when no such key belongs to the machine.</summary>
    public async Task<bool> RevokeAsync(Guid machineId, Guid keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE machine_keys SET revoked_at = COALESCE(revoked_at, @now) WHERE id = @keyId AND machine_id = @machineId",
            new { keyId, machineId, now = time.GetUtcNow() }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// The machine a presented <c>cak_</c> belongs to, if the key is live. Also reports the
    /// machine's state so the agent plane can answer 403 pending / 401 removed.
    /// </summary>
    public async Task<MachineKeyMatch?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!SecretKeys.HasShape(presented, SecretKeys.MachineKeyPrefix))
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var match = await connection.QuerySingleOrDefaultAsync<MachineKeyMatch>(new CommandDefinition(
            """
            SELECT k.id AS key_id, k.machine_id, m.tenant_id, m.enrollment_state, m.deleted_at
            FROM machine_keys k JOIN machines m ON m.id = k.machine_id
            WHERE k.key_hash = @hash AND k.revoked_at IS NULL
            """,
            new { hash = SecretKeys.Sha256Hex(presented) }, cancellationToken: cancellationToken));
        if (match is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE machine_keys SET last_used_at = @now WHERE id = @KeyId", new { match.KeyId, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        }

        return match;
    }

    /// <summary>True while the key is stored and not revoked (the relay re-checks a live socket's key).</summary>
    public async Task<bool> IsLiveAsync(Guid keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM machine_keys WHERE id = @keyId AND revoked_at IS NULL", new { keyId }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> HasActiveKeyAsync(Guid machineId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM machine_keys WHERE machine_id = @machineId AND revoked_at IS NULL", new { machineId }, cancellationToken: cancellationToken)) > 0;
    }
}

internal sealed record IssuedMachineKey(Guid KeyId, string Key);

public sealed record MachineKeyInfo(Guid KeyId, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

internal sealed record MachineKeyMatch(Guid KeyId, Guid MachineId, Guid TenantId, string EnrollmentState, DateTimeOffset? DeletedAt)
{
    public bool IsPending => EnrollmentState == EnrollmentStates.Pending;

    public bool IsRemoved => DeletedAt is not null;
}
