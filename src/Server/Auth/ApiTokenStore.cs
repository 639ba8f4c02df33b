using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Auth;

/// <summary>Personal API tokens (<c>gcp_…</c>): only the SHA-256 is stored; look-up is by hash.</summary>
internal sealed class ApiTokenStore(Database database, TimeProvider time)
{
    public async Task<(ApiTokenRecord Record, string Token)> CreateAsync(Guid tenantId, Guid userId, string name, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var token = SecretKeys.Generate(SecretKeys.PersonalTokenPrefix);
        var now = time.GetUtcNow();
        var record = new ApiTokenRecord(Guid.CreateVersion7(now), userId, name, now, expiresAt, null, null);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_tokens (id, tenant_id, user_id, name, token_hash, created_at, expires_at)
            VALUES (@Id, @tenantId, @UserId, @Name, @hash, @CreatedAt, @ExpiresAt)
            """,
            new { record.Id, tenantId, record.UserId, record.Name, hash = SecretKeys.Sha256Hex(token), record.CreatedAt, record.ExpiresAt },
            cancellationToken: cancellationToken));
        return (record, token);
    }

    public async Task<IReadOnlyList<ApiTokenRecord>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApiTokenRecord>(new CommandDefinition(
            "SELECT id, user_id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = @userId ORDER BY created_at",
            new { userId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<bool> RevokeAsync(Guid userId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, @now) WHERE id = @id AND user_id = @userId",
            new { id, userId, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        return rows == 1;
    }

    /// <summary>The owner of a live (not revoked, not expired) token, and records its use.</summary>
    public async Task<Guid?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenOwner>(new CommandDefinition(
            """
            SELECT id, user_id FROM api_tokens
            WHERE token_hash = @hash AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)
            """,
            new { hash = SecretKeys.Sha256Hex(token), now }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET last_used_at = @now WHERE id = @id", new { id = row.Id, now }, cancellationToken: cancellationToken));
        return row.UserId;
    }
}

internal sealed record TokenOwner(Guid Id, Guid UserId);

internal sealed record ApiTokenRecord(
    Guid Id, Guid UserId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
