namespace GuruConnect.Server.Users;

public sealed record CreateUserRequest(string? Username, string? Password, string? Role);

public sealed record UpdateUserRequest(string? Username, string? Role, string? Password);

/// <summary>
/// New usernames (create, rename, CLI): a letter or digit, then letters, digits and <c>. _ @ -</c>,
/// 64 characters at most — enough for <c>first.last@example.com</c>, nothing that reads as a path
/// (<c>../../etc</c>), markup, a shell word or a look-alike (docs/api.md, users). Matching is
/// ASCII-only on purpose. Users created before this rule keep their names: login and every other
/// change still work for them; only a new or changed name must fit.
/// </summary>
internal static partial class UsernameRules
{
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$";

    public static string? Check(string? username) => username switch
    {
        null => "Give a username.",
        { Length: 0 or > 64 } => "Use 1 to 64 characters.",
        _ when !Safe().IsMatch(username) => "Use letters, digits and . _ @ - only, starting with a letter or digit.",
        _ => null,
    };

    [System.Text.RegularExpressions.GeneratedRegex(Pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Safe();
}
