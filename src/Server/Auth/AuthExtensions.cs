using GuruConnect.Server.Data;
using GuruConnect.Server.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace GuruConnect.Server.Auth;

internal static class AuthExtensions
{
    /// <summary>Bearer login JWTs and personal API tokens, Argon2id, rate limits, the admin policy.</summary>
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => JwtSigningKey.Resolve(
            sp.GetRequiredService<IOptions<AuthOptions>>().Value.JwtSecret, sp.GetRequiredService<ServerPaths>()));
        builder.Services.AddSingleton<Argon2id>();
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddSingleton<RevokedTokens>();
        builder.Services.AddSingleton<ApiTokenStore>();
        builder.Services.AddSingleton<AuthRateLimiters>();
        builder.Services.AddSingleton<LoginTokenEvents>();
        builder.Services
            .AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, null, options => options.ForwardDefaultSelector = AuthSchemes.Select)
            .AddJwtBearer(AuthSchemes.LoginToken, options =>
            {
                options.MapInboundClaims = false;
                options.EventsType = typeof(LoginTokenEvents);
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new JsonWebTokenHandler { MaximumTokenSizeInBytes = TokenService.MaxTokenLength });
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AuthSchemes.ApiToken, null);
        builder.Services.AddOptions<JwtBearerOptions>(AuthSchemes.LoginToken)
            .Configure<TokenService>((options, tokens) => options.TokenValidationParameters = tokens.ValidationParameters);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        return builder;
    }
}
