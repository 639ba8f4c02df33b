namespace GuruConnect.Server.Audit;

/// <summary>Stable audit event type names (spec 01 "Audit").</summary>
internal static class AuditEventTypes
{
    public const string LoginSucceeded = "login_succeeded";
    public const string LoginFailed = "login_failed";
    public const string LoginRateLimited = "login_rate_limited";
    public const string Logout = "logout";
    public const string PasswordChanged = "password_changed";
    public const string UserCreated = "user_created";
    public const string UserUpdated = "user_updated";
    public const string UserDeleted = "user_deleted";
    public const string ApiTokenCreated = "api_token_created";
    public const string ApiTokenRevoked = "api_token_revoked";
}
