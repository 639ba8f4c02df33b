namespace GuruConnect.Agent.State;

/// <summary>
/// What <c>run</c> last knew, for <c>status</c> (which may run as another user and should not
/// need the hardware or the credential to answer). Diagnostics only: never authoritative.
/// </summary>
internal sealed record AgentState(
    string? MachineId = null,
    string? MachineUid = null,
    string? IdentityScope = null,
    string? EnrollmentDisposition = null,
    DateTimeOffset? EnrolledAt = null,
    string? ConnectionState = null,
    DateTimeOffset? LastConnectedAt = null,
    string? LastError = null,
    DateTimeOffset? LastErrorAt = null,
    DateTimeOffset? UpdatedAt = null);
