using System.Data.Common;
using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Relay;

/// <summary>
/// The single-use record of viewer tokens (<c>viewer_token_uses</c>): a redeemed jti is kept until the
/// token would have expired. The primary key makes redemption atomic — of two racing uses, one wins.
/// </summary>
internal sealed class ViewerTokenUses(Database database, TimeProvider time)
{
    public async Task<bool> IsUsedAsync(string jti, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM viewer_token_uses WHERE jti = @jti", new { jti }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Records the use; false when the token was already used.</summary>
    public async Task<bool> TryRedeemAsync(string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO viewer_token_uses (jti, expires_at) VALUES (@jti, @expiresAt)", new { jti, expiresAt }, cancellationToken: cancellationToken));
            return true;
        }
        catch (DbException e) when (SqlDialect.IsUniqueViolation(e, out _))
        {
            return false;
        }
    }

    /// <summary>Forgets uses of tokens that have expired anyway (a replay now fails on the expiry).</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM viewer_token_uses WHERE expires_at < @cutoff", new { cutoff = time.GetUtcNow() - TimeSpan.FromMinutes(5) }, cancellationToken: cancellationToken));
    }
}
