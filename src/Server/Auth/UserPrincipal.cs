using System.Security.Claims;
using GuruConnect.Server.Users;

namespace GuruConnect.Server.Auth;

/// <summary>
/// The principal both REST schemes produce. The user is re-read on every request, so a deleted
/// user or a changed role takes effect at once.
/// </summary>
internal static class UserPrincipal
{
    public static ClaimsPrincipal Create(UserRecord user, IEnumerable<Claim> extra) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
                new Claim(ClaimTypes.Name, user.Username),
                new Claim(ClaimTypes.Role, user.Role),
                .. extra,
            ],
            AuthSchemes.Default,
            ClaimTypes.Name,
            ClaimTypes.Role));
}
