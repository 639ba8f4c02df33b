namespace GuruConnect.Server.Users;

public sealed record CreateUserRequest(string? Username, string? Password, string? Role);

public sealed record UpdateUserRequest(string? Username, string? Role, string? Password);

internal static class UsernameRules
{
    public static string? Check(string? username) => username switch
    {
        null => "Give a username.",
        { Length: 0 or > 64 } => "Use 1 to 64 characters.",
        _ when username.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) => "Use no spaces or control characters.",
        _ => null,
    };
}
