namespace GuruConnect.Server.Audit;

/// <summary>Stable audit event type names (docs/api.md "Audit").</summary>
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
    public const string SiteCreated = "site_created";
    public const string EnrollmentKeyRotated = "enrollment_key_rotated";
    public const string EnrollNew = "enroll_new";
    public const string EnrollReuse = "enroll_reuse";
    public const string EnrollSiteConflict = "enroll_site_conflict";
    public const string EnrollCollisionPending = "enroll_collision_pending";
    public const string EnrollRejected = "enroll_rejected";
    public const string MachineApproved = "machine_approved";
    public const string MachineRemoved = "machine_removed";
    public const string MachineKeyIssued = "machine_key_issued";
    public const string MachineKeyRevoked = "machine_key_revoked";
    public const string MachineKeyProvisioned = "machine_key_provisioned";
    public const string AgentConnected = "agent_connected";
    public const string AgentDisconnected = "agent_disconnected";
    public const string ViewerJoined = "viewer_joined";
    public const string ViewerLeft = "viewer_left";
    public const string SessionRemoved = "session_removed";
    public const string SupportCodeCreated = "support_code_created";
    public const string SupportCodeCancelled = "support_code_cancelled";
    public const string SupportSessionStarted = "support_session_started";
    public const string SupportSessionEnded = "support_session_ended";
}
