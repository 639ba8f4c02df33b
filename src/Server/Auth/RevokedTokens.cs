using System.Collections.Concurrent;
using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Auth;

/// <summary>
/// Logged-out token ids (<c>jti</c>), kept until the token would have expired. Stored in the
/// database so a logout survives a restart, and mirrored in memory so the per-request check is a
/// dictionary look-up.
/// </summary>
internal sealed class RevokedTokens(Database database, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> revoked = new(StringComparer.Ordinal);

    public bool IsRevoked(string jti) => revoked.ContainsKey(jti);

    public async Task RevokeAsync(string jti, Guid userId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        revoked[jti] = expiresAt;
        await using var connection = await database.OpenAsync(cancellationToken);
        var sql = database.Provider == DatabaseProvider.Postgres
            ? "INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES (@jti, @userId, @expiresAt) ON CONFLICT (jti) DO NOTHING"
            : "INSERT OR IGNORE INTO revoked_tokens (jti, user_id, expires_at) VALUES (@jti, @userId, @expiresAt)";
        await connection.ExecuteAsync(new CommandDefinition(sql, new { jti, userId, expiresAt }, cancellationToken: cancellationToken));
    }

    /// <summary>Loads unexpired revocations at start-up and drops expired ones.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM revoked_tokens WHERE expires_at < @now", new { now }, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<RevokedRow>(new CommandDefinition(
            "SELECT jti, expires_at FROM revoked_tokens", cancellationToken: cancellationToken));
        foreach (var row in rows)
        {
            revoked[row.Jti] = row.ExpiresAt;
        }
    }

    /// <summary>Forgets revocations of tokens that have expired on their own.</summary>
    public void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (jti, expiresAt) in revoked)
        {
            if (expiresAt < now - TimeSpan.FromMinutes(5))
            {
                revoked.TryRemove(jti, out _);
            }
        }
    }

    private sealed record RevokedRow(string Jti, DateTimeOffset ExpiresAt);
}
