namespace GuruConnect.Server.Users;

/// <summary>
/// A row of <c>users</c>. <c>TokenGeneration</c>: login tokens of another generation are void (a password
/// change bumps it); <c>TokenGenerationKeeper</c>: the jti of the one older token still valid, the one that
/// changed the password.
/// </summary>
internal sealed record UserRecord(
    Guid Id, Guid TenantId, string Username, string PasswordHash, string Role, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    long TokenGeneration = 0, string? TokenGenerationKeeper = null)
{
    /// <summary>Whether a login token issued in <paramref name="generation"/> with <paramref name="jti"/> still stands.</summary>
    public bool AcceptsLoginToken(long generation, string jti) =>
        generation == TokenGeneration || string.Equals(jti, TokenGenerationKeeper, StringComparison.Ordinal);

    public UserResponse ToResponse() => new(Id, Username, Role, CreatedAt);
}

/// <summary>A user as the API shows it: never the hash.</summary>
public sealed record UserResponse(Guid Id, string Username, string Role, DateTimeOffset CreatedAt);
