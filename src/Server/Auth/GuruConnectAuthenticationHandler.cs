using System.Security.Claims;
using System.Text.Encodings.Web;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Auth;

/// <summary>
/// The REST plane's one authentication scheme: <c>Authorization: Bearer</c> with a login JWT
/// (<c>purpose:"login"</c>, not logged out) or a personal API token (<c>gcp_…</c>). Machine keys,
/// enrollment keys and viewer tokens are never login credentials here (spec 05 #1–#5). The user is
/// re-read on every request, so a deleted user or a changed role takes effect at once.
/// </summary>
internal sealed class GuruConnectAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    TokenService tokens,
    RevokedTokens revoked,
    ApiTokenStore apiTokens,
    UserStore users,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "GuruConnect";
    public const string JtiClaim = "jti";
    public const string ExpiresClaim = "exp_at";
    public const string MethodClaim = "auth_method";
    public const string GenerationClaim = "token_gen";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var credential = header["Bearer ".Length..].Trim();
        Guid userId;
        ValidatedToken? login = null;
        var extra = new List<Claim>();
        if (credential.StartsWith(SecretKeys.PersonalTokenPrefix, StringComparison.Ordinal))
        {
            if (!SecretKeys.HasShape(credential, SecretKeys.PersonalTokenPrefix)
                || await apiTokens.AuthenticateAsync(credential, Context.RequestAborted) is not { } owner)
            {
                return AuthenticateResult.Fail("invalid API token");
            }

            userId = owner;
            extra.Add(new Claim(MethodClaim, "api_token"));
        }
        else
        {
            var token = await tokens.ValidateAsync(credential, TokenPurpose.Login);
            if (token is null || revoked.IsRevoked(token.Jti) || !Guid.TryParse(token.Claim("sub"), out userId))
            {
                return AuthenticateResult.Fail("invalid token");
            }

            login = token;
            extra.Add(new Claim(JtiClaim, token.Jti));
            extra.Add(new Claim(ExpiresClaim, token.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            extra.Add(new Claim(MethodClaim, "login_token"));
        }

        var user = await users.FindByIdAsync(userId, Context.RequestAborted);
        if (user is null)
        {
            return AuthenticateResult.Fail("user no longer exists");
        }

        if (login is not null)
        {
            var generation = TokenService.GenerationOf(login);
            if (!user.AcceptsLoginToken(generation, login.Jti))
            {
                return AuthenticateResult.Fail("token issued before a password change");
            }

            extra.Add(new Claim(GenerationClaim, generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
                new Claim(ClaimTypes.Name, user.Username),
                new Claim(ClaimTypes.Role, user.Role),
                .. extra,
            ],
            SchemeName,
            ClaimTypes.Name,
            ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Unauthorized",
            "Sign in and send the token as `Authorization: Bearer <token>`; it is missing, invalid, expired or logged out.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Forbidden",
            "Your role does not allow this action. Ask an admin.");

    private async Task WriteProblemAsync(int status, string code, string title, string detail)
    {
        Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail, Extensions = { ["code"] = code } },
        });
    }
}
