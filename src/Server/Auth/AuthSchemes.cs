namespace GuruConnect.Server.Auth;

/// <summary>
/// The REST plane's authentication: one default scheme that forwards <c>Authorization: Bearer gcp_…</c>
/// to the personal-API-token handler and every other bearer to JwtBearer (login JWTs). Machine
/// keys, enrollment keys and viewer tokens are never login credentials here (docs/security.md §1–§5).
/// </summary>
internal static class AuthSchemes
{
    /// <summary>The default (policy) scheme every endpoint uses.</summary>
    public const string Default = "GuruConnect";
    public const string LoginToken = "LoginToken";
    public const string ApiToken = "ApiToken";

    public static string Select(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && header.AsSpan("Bearer ".Length).Trim().StartsWith(SecretKeys.PersonalTokenPrefix, StringComparison.Ordinal)
            ? ApiToken
            : LoginToken;
    }
}
