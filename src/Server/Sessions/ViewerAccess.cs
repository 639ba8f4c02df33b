using System.Security.Claims;
using GuruConnect.Server.Users;

namespace GuruConnect.Server.Sessions;

/// <summary>
/// Who may watch a session (spec 01: "admin, or technician allowed on that machine"). Per-site technician
/// permissions do not exist yet, so every technician may; spec 05 #7's per-site check goes here.
/// </summary>
internal static class ViewerAccess
{
    public static bool MayView(ClaimsPrincipal user, RelaySession session)
    {
        _ = session; // the seam: per-site permissions will look at the session's machine
        return user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Technician);
    }
}
