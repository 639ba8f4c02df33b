using System.Security.Claims;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Users;

namespace GuruConnect.Server.Sessions;

/// <summary>
/// Who may watch a session (docs/api.md: "admin, or technician allowed on that machine"). A support session
/// is the technician's who created its code (and admins'). Per-site technician permissions do not exist
/// yet, so every technician may watch a managed machine; docs/security.md §7's per-site check goes here.
/// </summary>
internal static class ViewerAccess
{
    public static bool MayView(ClaimsPrincipal user, RelaySession session) =>
        user.IsInRole(Roles.Admin) ||
        (user.IsInRole(Roles.Technician) && (session.SupportOwnerId is not { } owner || owner == user.Id()));
}
