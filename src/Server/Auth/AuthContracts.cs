using GuruConnect.Server.Users;

namespace GuruConnect.Server.Auth;

public sealed record LoginRequest(string? Username, string? Password);

public sealed record LoginResponse(string Token, DateTimeOffset ExpiresAt, LoginUser User);

public sealed record LoginUser(Guid Id, string Username, string Role);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record CreateApiTokenRequest(string? Name, int? ExpiresInDays);

public sealed record CreatedApiToken(Guid Id, string Name, string Token, DateTimeOffset? ExpiresAt);

public sealed record ApiTokenResponse(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

internal static class PasswordRules
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 1024;

    public static string? Check(string? password) => password switch
    {
        null or "" => "A password is required.",
        { Length: < MinimumLength } => $"Use at least {MinimumLength} characters.",
        { Length: > MaximumLength } => $"Use at most {MaximumLength} characters.",
        _ => null,
    };
}

internal static class UserResponses
{
    public static LoginUser ToLoginUser(this UserRecord user) => new(user.Id, user.Username, user.Role);
}
