using System.Data.Common;
using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Relay;

/// <summary>
/// Viewer tokens are accepted only if this server issued them and they are unused: minting records
/// the jti (<c>viewer_token_uses</c>, as <c>issued:{jti}</c> until it would have expired) and the one
/// redemption deletes that row. A correctly signed token whose jti was never recorded — should the
/// signing secret leak — is refused, and of two racing uses the single DELETE lets one win.
/// (The prefix keeps rows written before issuance was recorded, plain used jtis, from counting.)
/// </summary>
internal sealed class ViewerTokenUses(Database database, TimeProvider time)
{
    private const string IssuedPrefix = "issued:";

    /// <summary>Records a jti just minted; only recorded jtis can be redeemed.</summary>
    public async Task RecordIssuedAsync(string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO viewer_token_uses (jti, expires_at) VALUES (@jti, @expiresAt)", new { jti = IssuedPrefix + jti, expiresAt },
            cancellationToken: cancellationToken));
    }

    /// <summary>True when the token is not redeemable: used already, or never issued here.</summary>
    public async Task<bool> IsUsedAsync(string jti, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM viewer_token_uses WHERE jti = @jti", new { jti = IssuedPrefix + jti }, cancellationToken: cancellationToken)) == 0;
    }

    /// <summary>Redeems an issued, unused jti; false when it was used already or never issued.</summary>
    public async Task<bool> TryRedeemAsync(string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The DELETE is the gate: of two racing uses exactly one removes the row.
        if (await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM viewer_token_uses WHERE jti = @jti", new { jti = IssuedPrefix + jti }, cancellationToken: cancellationToken)) != 1)
        {
            return false;
        }

        // Then the plain record of the use, kept until the token would have expired.
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO viewer_token_uses (jti, expires_at) VALUES (@jti, @expiresAt)", new { jti, expiresAt }, cancellationToken: cancellationToken));
        }
        catch (DbException e) when (SqlDialect.IsUniqueViolation(e, out _))
        {
        }

        return true;
    }

    /// <summary>Forgets uses of tokens that have expired anyway (a replay now fails on the expiry).</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM viewer_token_uses WHERE expires_at < @cutoff", new { cutoff = time.GetUtcNow() - TimeSpan.FromMinutes(5) }, cancellationToken: cancellationToken));
    }
}
