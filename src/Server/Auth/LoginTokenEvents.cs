using System.Globalization;
using System.Security.Claims;
using GuruConnect.Server.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GuruConnect.Server.Auth;

/// <summary>
/// What JwtBearer cannot know about a login JWT once its signature checks out: the purpose, the
/// lifetime against <see cref="TimeProvider"/>, logout (revoked jti), and whether a password change
/// has since ended the session. Challenges and forbids write our problem bodies.
/// </summary>
internal sealed class LoginTokenEvents(TokenService tokens, RevokedTokens revoked, UserStore users) : JwtBearerEvents
{
    public override async Task TokenValidated(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken jwt
            || tokens.Accept(jwt, TokenPurpose.Login) is not { } login
            || revoked.IsRevoked(login.Jti)
            || !Guid.TryParse(login.Claim("sub"), out var userId))
        {
            context.Fail("invalid token");
            return;
        }

        var user = await users.FindByIdAsync(userId, context.HttpContext.RequestAborted);
        if (user is null)
        {
            context.Fail("user no longer exists");
            return;
        }

        var generation = TokenService.GenerationOf(login);
        if (!user.AcceptsLoginToken(generation, login.Jti))
        {
            context.Fail("token issued before a password change");
            return;
        }

        context.Principal = UserPrincipal.Create(user,
        [
            new Claim(AuthClaims.Jti, login.Jti),
            new Claim(AuthClaims.ExpiresAt, login.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new Claim(AuthClaims.Method, "login_token"),
            new Claim(AuthClaims.Generation, generation.ToString(CultureInfo.InvariantCulture)),
        ]);
    }

    public override Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        return AuthProblems.UnauthorizedAsync(context.HttpContext);
    }

    public override Task Forbidden(ForbiddenContext context) => AuthProblems.ForbiddenAsync(context.HttpContext);
}
