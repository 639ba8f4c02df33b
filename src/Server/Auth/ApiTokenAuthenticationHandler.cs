using System.Security.Claims;
using System.Text.Encodings.Web;
using GuruConnect.Server.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Auth;

/// <summary>Personal API tokens (<c>Authorization: Bearer gcp_…</c>), stored as SHA-256.</summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiTokenStore apiTokens,
    UserStore users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var credential = header["Bearer ".Length..].Trim();
        if (!SecretKeys.HasShape(credential, SecretKeys.PersonalTokenPrefix)
            || await apiTokens.AuthenticateAsync(credential, Context.RequestAborted) is not { } owner)
        {
            return AuthenticateResult.Fail("invalid API token");
        }

        if (await users.FindByIdAsync(owner, Context.RequestAborted) is not { } user)
        {
            return AuthenticateResult.Fail("user no longer exists");
        }

        var principal = UserPrincipal.Create(user, [new Claim(AuthClaims.Method, "api_token")]);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => AuthProblems.UnauthorizedAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AuthProblems.ForbiddenAsync(Context);
}
