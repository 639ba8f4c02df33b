namespace GuruConnect.Agent.Transport;

/// <summary>
/// How one connection attempt ended; the reconnect loop decides what to do next from it.
/// <c>Status</c> is the HTTP status when the server refused the upgrade (<see cref="SessionEndKind.Refused"/>).
/// </summary>
internal sealed record SessionEnd(SessionEndKind Kind, string Detail, int? Status = null)
{
    public static SessionEnd KeyRejected { get; } = new(SessionEndKind.KeyRejected, "the server refused the machine key (401)");

    public static SessionEnd PendingApproval { get; } = new(SessionEndKind.PendingApproval, "this machine waits for an admin's approval (403)");

    public static SessionEnd Superseded { get; } = new(SessionEndKind.Superseded, "another connection of this machine replaced this one");

    public static SessionEnd Ended { get; } = new(SessionEndKind.Ended, "the server ended the session");

    public static SessionEnd Stopped { get; } = new(SessionEndKind.Stopped, "this agent said goodbye");

    public static SessionEnd Unreachable(string detail) => new(SessionEndKind.Unreachable, detail);

    public static SessionEnd Refused(int status) => new(SessionEndKind.Refused, $"the server answered HTTP {status}", status);

    public static SessionEnd Dropped(string detail) => new(SessionEndKind.Dropped, detail);
}

internal enum SessionEndKind
{
    KeyRejected,
    PendingApproval,
    Superseded,
    Unreachable,
    Refused,
    Dropped,

    /// <summary><c>Disconnect {reason: "session-ended"}</c>: a technician ended the session or cancelled its code (spec 02 "Session lifecycle").</summary>
    Ended,

    /// <summary>Cancelled (Ctrl+C, service stop): the agent closed the socket itself.</summary>
    Stopped,
}
