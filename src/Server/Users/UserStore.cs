using System.Data.Common;
using Dapper;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Users;

/// <summary>SQL for users. Last-admin protection locks the admin rows, so two concurrent demotions cannot both pass.</summary>
internal sealed class UserStore(Database database, TimeProvider time)
{
    private const string Columns = "id, tenant_id, username, password_hash, role, created_at, updated_at, token_generation, token_generation_keeper";

    public async Task<UserRecord?> FindByUsernameAsync(Guid tenantId, string username, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE tenant_id = @tenantId AND lower(username) = lower(@username)",
            new { tenantId, username }, cancellationToken: cancellationToken));
    }

    public async Task<UserRecord?> FindByIdAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<UserRecord>> ListAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE tenant_id = @tenantId ORDER BY lower(username)",
            new { tenantId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<bool> AnyAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM users WHERE tenant_id = @tenantId", new { tenantId }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task<(UserChange Result, UserRecord? User)> CreateAsync(
        Guid tenantId, string username, string passwordHash, string role, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var user = new UserRecord(Guid.CreateVersion7(now), tenantId, username, passwordHash, role, now, now);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO users (id, tenant_id, username, password_hash, role, created_at, updated_at)
                VALUES (@Id, @TenantId, @Username, @PasswordHash, @Role, @CreatedAt, @UpdatedAt)
                """, user, cancellationToken: cancellationToken));
            return (UserChange.Done, user);
        }
        catch (DbException ex) when (SqlDialect.IsUniqueViolation(ex, out _))
        {
            return (UserChange.UsernameTaken, null);
        }
    }

    /// <summary>
    /// Sets the password and ends every login session of the user except <paramref name="keepJti"/> (the
    /// token that made the change, if it is the user's own); API tokens are separate credentials and stay.
    /// </summary>
    public async Task<bool> SetPasswordAsync(Guid id, string passwordHash, string? keepJti, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE users SET password_hash = @passwordHash, updated_at = @now,
                token_generation = token_generation + 1, token_generation_keeper = @keepJti
            WHERE id = @id
            """,
            new { id, passwordHash, keepJti, now = time.GetUtcNow() }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Changes role and/or username. Demoting the last admin of the tenant is refused.</summary>
    public Task<(UserChange Result, UserRecord? User)> UpdateAsync(
        Guid id, string? username, string? role, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            var (user, admins) = await LockAsync(connection, transaction, id, cancellationToken);
            if (user is null)
            {
                return (UserChange.NotFound, (UserRecord?)null);
            }

            if (user.Role == Roles.Admin && role is not null && role != Roles.Admin && admins <= 1)
            {
                return (UserChange.LastAdmin, null);
            }

            var updated = user with { Username = username ?? user.Username, Role = role ?? user.Role, UpdatedAt = time.GetUtcNow() };
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE users SET username = @Username, role = @Role, updated_at = @UpdatedAt WHERE id = @Id",
                    updated, transaction, cancellationToken: cancellationToken));
            }
            catch (DbException ex) when (SqlDialect.IsUniqueViolation(ex, out _))
            {
                return (UserChange.UsernameTaken, null);
            }

            return (UserChange.Done, updated);
        }, cancellationToken);

    public Task<(UserChange Result, UserRecord? User)> DeleteAsync(Guid id, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            var (user, admins) = await LockAsync(connection, transaction, id, cancellationToken);
            if (user is null)
            {
                return (UserChange.NotFound, (UserRecord?)null);
            }

            if (user.Role == Roles.Admin && admins <= 1)
            {
                return (UserChange.LastAdmin, null);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM users WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            return (UserChange.Done, user);
        }, cancellationToken);

    /// <summary>
    /// Locks the tenant's admin rows (in id order, so concurrent callers cannot deadlock) and then
    /// the user, and returns the user with the admin count: a concurrent demotion or deletion waits
    /// and then sees the new count. SQLite serialises writers with BEGIN IMMEDIATE instead.
    /// </summary>
    private async Task<(UserRecord? User, int Admins)> LockAsync(
        DbConnection connection, DbTransaction transaction, Guid id, CancellationToken cancellationToken)
    {
        var admins = await connection.QueryAsync<Guid>(new CommandDefinition(
            $"SELECT id FROM users WHERE tenant_id = (SELECT tenant_id FROM users WHERE id = @id) AND role = 'admin' ORDER BY id{database.Dialect.ForUpdate}",
            new { id }, transaction, cancellationToken: cancellationToken));
        var user = await connection.QuerySingleOrDefaultAsync<UserRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE id = @id{database.Dialect.ForUpdate}", new { id }, transaction, cancellationToken: cancellationToken));
        return (user, admins.Count());
    }
}
