namespace GuruConnect.Server.Auth;

/// <summary>The <c>purpose</c> claim: planes never cross (docs/security.md §1–§4).</summary>
internal static class TokenPurpose
{
    public const string Login = "login";
    public const string Viewer = "viewer";
}
