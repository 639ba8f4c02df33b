namespace GuruConnect.Server.Auth;

/// <summary>Claims the REST plane adds to the principal beside name, id and role.</summary>
internal static class AuthClaims
{
    public const string Jti = "jti";
    public const string ExpiresAt = "exp_at";
    public const string Method = "auth_method";
    public const string Generation = "token_gen";
}
