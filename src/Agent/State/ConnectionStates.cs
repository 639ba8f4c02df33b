namespace GuruConnect.Agent.State;

/// <summary>Values of <see cref="AgentState.ConnectionState"/>.</summary>
internal static class ConnectionStates
{
    public const string Enrolling = "enrolling";
    public const string PendingApproval = "pending-approval";
    public const string EnrollmentFailed = "enrollment-failed";
    public const string Connecting = "connecting";
    public const string Connected = "connected";
    public const string Disconnected = "disconnected";
    public const string NoTransport = "no-transport";
    public const string Stopped = "stopped";
}
