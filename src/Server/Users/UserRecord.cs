namespace GuruConnect.Server.Users;

internal sealed record UserRecord(
    Guid Id, Guid TenantId, string Username, string PasswordHash, string Role, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public UserResponse ToResponse() => new(Id, Username, Role, CreatedAt);
}

/// <summary>A user as the API shows it: never the hash.</summary>
public sealed record UserResponse(Guid Id, string Username, string Role, DateTimeOffset CreatedAt);
