using System.Security.Claims;
using GuruConnect.Server.Auth;

namespace GuruConnect.Server.Relay;

/// <summary>
/// Viewer tokens (docs/security.md "Credentials"): HS256 JWTs with <c>purpose:"viewer"</c>, <c>sid</c> = the
/// session id, 5 minutes, single use. They carry the minting login token's <c>jti</c> as <c>ljti</c>, so
/// logging out (which revokes that jti) also revokes every viewer token it minted (docs/security.md §6).
/// </summary>
internal sealed class ViewerTokens(TokenService tokens, ViewerTokenUses uses)
{
    public const string SessionClaim = "sid";
    public const string LoginJtiClaim = "ljti";

    /// <summary>The minting login token's generation: a password change voids the viewer tokens it minted too.</summary>
    public const string LoginGenerationClaim = "lgen";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Mints a token and records its jti, without which the viewer plane refuses it.</summary>
    public async Task<IssuedToken> IssueAsync(ClaimsPrincipal user, Guid sessionId, CancellationToken cancellationToken)
    {
        var issued = Mint(user, sessionId);
        await uses.RecordIssuedAsync(issued.Jti, issued.ExpiresAt, cancellationToken);
        return issued;
    }

    private IssuedToken Mint(ClaimsPrincipal user, Guid sessionId)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = user.Id().ToString(),
            ["name"] = user.Username(),
            [SessionClaim] = sessionId.ToString(),
        };
        if (user.Jti() is { } loginJti)
        {
            claims[LoginJtiClaim] = loginJti;
            claims[LoginGenerationClaim] = user.FindFirstValue(AuthClaims.Generation) ?? "0";
        }

        return tokens.Issue(TokenPurpose.Viewer, Lifetime, claims);
    }

    /// <summary>Signature, issuer, lifetime and <c>purpose:"viewer"</c> (checks 1 and 2 of the viewer plane); null when any fails.</summary>
    public async Task<ViewerGrant?> ValidateAsync(string? token)
    {
        if (token is null || await tokens.ValidateAsync(token, TokenPurpose.Viewer) is not { } valid ||
            !Guid.TryParse(valid.Claim("sub"), out var userId) || valid.Claim(SessionClaim) is not { Length: > 0 } sessionId)
        {
            return null;
        }

        return new ViewerGrant(valid.Jti, valid.ExpiresAt, userId, valid.Claim("name") ?? string.Empty, sessionId, valid.Claim(LoginJtiClaim),
            TokenService.GenerationOf(valid, LoginGenerationClaim));
    }
}
