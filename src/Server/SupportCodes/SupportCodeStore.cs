using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using GuruConnect.Server.Data;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.SupportCodes;

/// <summary>
/// <c>support_codes</c>: 6-digit codes, unique among live codes (a partial unique index), each starting
/// at most one session — consuming is one conditional UPDATE, so of two racing agents one wins.
/// </summary>
internal sealed class SupportCodeStore(Database database, IOptions<SupportCodeOptions> options, TimeProvider time)
{
    private const string Columns = "id, tenant_id, code, state, note, created_by, created_by_name, created_at, expires_at, used_at, ended_at, session_id";
    private const int CreateAttempts = 20;

    /// <summary>A fresh code for <paramref name="userId"/>; null when the user already holds the maximum of live codes.</summary>
    public async Task<SupportCodeRecord?> CreateAsync(Guid userId, string username, string? note, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await ExpireStaleAsync(now, cancellationToken);
        if (await CountLiveAsync(userId, now, cancellationToken) >= options.Value.MaxLiveCodesPerUser)
        {
            return null;
        }

        for (var attempt = 1; ; attempt++)
        {
            var record = new SupportCodeRecord
            {
                Id = Guid.CreateVersion7(now),
                TenantId = Tenants.Default,
                Code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture),
                Note = note,
                CreatedBy = userId,
                CreatedByName = username,
                CreatedAt = now,
                ExpiresAt = now + options.Value.Lifetime,
            };
            try
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO support_codes (id, tenant_id, code, state, note, created_by, created_by_name, created_at, expires_at)
                    VALUES (@Id, @TenantId, @Code, @State, @Note, @CreatedBy, @CreatedByName, @CreatedAt, @ExpiresAt)
                    """, record, cancellationToken: cancellationToken));
                return record;
            }
            catch (DbException e) when (SqlDialect.IsUniqueViolation(e, out _) && attempt < CreateAttempts)
            {
                // Those digits are live for someone else: draw again.
            }
        }
    }

    /// <summary>Live codes (unused, unexpired), newest first; all of them when <paramref name="owner"/> is null.</summary>
    public async Task<IReadOnlyList<SupportCodeRecord>> ListLiveAsync(Guid? owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SupportCodeRecord>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM support_codes
            WHERE tenant_id = @tenant AND state = 'live' AND expires_at > @now AND (@all OR created_by = @owner)
            ORDER BY created_at DESC
            """,
            new { tenant = Tenants.Default, now = time.GetUtcNow(), all = owner is null, owner = owner ?? Guid.Empty },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<bool> IsLiveAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM support_codes WHERE tenant_id = @tenant AND code = @code AND state = 'live' AND expires_at > @now",
            new { tenant = Tenants.Default, code, now = time.GetUtcNow() }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Uses the live code <paramref name="code"/> for <paramref name="sessionId"/>; null when no such code is live.</summary>
    public async Task<SupportCodeRecord?> TryConsumeAsync(string code, Guid sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SupportCodeRecord>(new CommandDefinition(
            $"""
            UPDATE support_codes SET state = 'used', used_at = @now, session_id = @sessionId
            WHERE tenant_id = @tenant AND code = @code AND state = 'live' AND expires_at > @now
            RETURNING {Columns}
            """,
            new { tenant = Tenants.Default, code, sessionId, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The code a technician may still cancel: live, or used by a session that has not ended. When the
    /// same digits were used before, the newest row is the one meant.
    /// </summary>
    public async Task<SupportCodeRecord?> FindCancellableAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<SupportCodeRecord>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM support_codes
            WHERE tenant_id = @tenant AND code = @code
              AND ((state = 'live' AND expires_at > @now) OR (state = 'used' AND ended_at IS NULL))
            ORDER BY created_at DESC
            """,
            new { tenant = Tenants.Default, code, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    /// <summary>Cancels <paramref name="record"/> if it is still in the state it was read in; false when something else won.</summary>
    public async Task<bool> CancelAsync(SupportCodeRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE support_codes SET state = 'cancelled', ended_at = @now WHERE id = @Id AND state = @State AND ended_at IS NULL",
            new { record.Id, record.State, now = time.GetUtcNow() }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>False when the code behind <paramref name="sessionId"/> was cancelled (or ended) since it was used.</summary>
    public async Task<bool> IsSessionRunningAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM support_codes WHERE session_id = @sessionId AND state = 'used' AND ended_at IS NULL",
            new { sessionId }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Records that the session a code started has ended (the agent left, or it was ended).</summary>
    public async Task MarkEndedAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE support_codes SET ended_at = @now WHERE session_id = @sessionId AND ended_at IS NULL",
            new { sessionId, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Support sessions live only in memory: after a restart none of them exists, so rows still marked as
    /// running are ended (a later cancel then finds nothing to end).
    /// </summary>
    public async Task EndOrphanedSessionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE support_codes SET ended_at = @now WHERE state = 'used' AND ended_at IS NULL",
            new { now = time.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    private async Task<long> CountLiveAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM support_codes WHERE tenant_id = @tenant AND created_by = @userId AND state = 'live' AND expires_at > @now",
            new { tenant = Tenants.Default, userId, now }, cancellationToken: cancellationToken));
    }

    /// <summary>Expired codes leave the live index, so their digits may be drawn again.</summary>
    private async Task ExpireStaleAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE support_codes SET state = 'expired' WHERE tenant_id = @tenant AND state = 'live' AND expires_at <= @now",
            new { tenant = Tenants.Default, now }, cancellationToken: cancellationToken));
    }
}
