using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GuruConnect.Server.Auth;

/// <summary>
/// Issues and validates HS256 JWTs. Lifetime is checked against <see cref="TimeProvider"/> (not
/// the library's wall clock) so tests control expiry; the purpose claim is always checked.
/// </summary>
internal sealed class TokenService(JwtSigningKey signingKey, TimeProvider time, IOptions<AuthOptions> options)
{
    public const string Issuer = "guruconnect";
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>The claim carrying the user's token generation at issue time (see <c>UserRecord.AcceptsLoginToken</c>).</summary>
    public const string GenerationClaim = "gen";

    /// <summary>The generation a token was issued in (<see cref="GenerationClaim"/>; 0 when absent).</summary>
    public static long GenerationOf(ValidatedToken token, string claim = GenerationClaim) =>
        long.TryParse(token.Claim(claim), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var generation) ? generation : 0;

    public IssuedToken IssueLogin(Guid userId, string username, string role, long generation) =>
        Issue(TokenPurpose.Login, options.Value.LoginTokenLifetime, new Dictionary<string, object>
        {
            ["sub"] = userId.ToString(),
            ["name"] = username,
            ["role"] = role,
            [GenerationClaim] = generation.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    public IssuedToken Issue(string purpose, TimeSpan lifetime, IDictionary<string, object> claims)
    {
        var now = time.GetUtcNow();
        var jti = Guid.NewGuid().ToString("N");
        var allClaims = new Dictionary<string, object>(claims)
        {
            ["jti"] = jti,
            ["purpose"] = purpose,
        };
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Claims = allClaims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(signingKey.Key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, jti, now + lifetime);
    }

    /// <summary>The longest token either plane accepts; longer ones are refused unread.</summary>
    public const int MaxTokenLength = 8192;

    /// <summary>
    /// Signature, issuer and algorithm; lifetime and purpose are <see cref="Accept"/>'s, so expiry
    /// follows <see cref="TimeProvider"/>. Shared with the REST plane's JwtBearer scheme.
    /// </summary>
    public TokenValidationParameters ValidationParameters { get; } = new()
    {
        ValidIssuer = Issuer,
        ValidateIssuer = true,
        ValidateAudience = false,
        ValidateLifetime = false,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        IssuerSigningKey = signingKey.Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
    };

    /// <summary>Validates signature, issuer, lifetime and purpose. Any failure is just "not valid".</summary>
    public async Task<ValidatedToken?> ValidateAsync(string token, string expectedPurpose)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        var result = await handler.ValidateTokenAsync(token, ValidationParameters);
        return result.IsValid && result.SecurityToken is JsonWebToken jwt ? Accept(jwt, expectedPurpose) : null;
    }

    /// <summary>Lifetime (against <see cref="TimeProvider"/>), purpose and jti of a token whose signature is already valid.</summary>
    public ValidatedToken? Accept(JsonWebToken jwt, string expectedPurpose)
    {
        var now = time.GetUtcNow();
        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        if (jwt.ValidTo == DateTime.MinValue || now >= expires + ClockSkew || now + ClockSkew < jwt.ValidFrom)
        {
            return null;
        }

        if (!jwt.TryGetPayloadValue<string>("purpose", out var purpose) || purpose != expectedPurpose
            || !jwt.TryGetPayloadValue<string>("jti", out var jti) || string.IsNullOrEmpty(jti))
        {
            return null;
        }

        return new ValidatedToken(jwt, jti, expires, new ClaimsIdentity(jwt.Claims));
    }
}

internal sealed record IssuedToken(string Token, string Jti, DateTimeOffset ExpiresAt);

internal sealed record ValidatedToken(JsonWebToken Jwt, string Jti, DateTimeOffset ExpiresAt, ClaimsIdentity Identity)
{
    public string? Claim(string type) => Jwt.TryGetPayloadValue<string>(type, out var value) ? value : null;
}
