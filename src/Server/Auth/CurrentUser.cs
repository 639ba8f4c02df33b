using System.Globalization;
using System.Security.Claims;

namespace GuruConnect.Server.Auth;

/// <summary>Typed view of the authenticated principal.</summary>
internal static class CurrentUser
{
    public static Guid Id(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No authenticated user."));

    public static string Username(this ClaimsPrincipal user) => user.Identity?.Name ?? string.Empty;

    public static string? Jti(this ClaimsPrincipal user) => user.FindFirstValue(AuthClaims.Jti);

    public static DateTimeOffset? TokenExpiresAt(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(AuthClaims.ExpiresAt), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
