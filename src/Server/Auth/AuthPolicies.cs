namespace GuruConnect.Server.Auth;

internal static class AuthPolicies
{
    public const string Admin = "admin";
}
