namespace GuruConnect.Agent.Transport;

/// <summary>
/// How one connection attempt ended; the reconnect loop decides what to do next from it.
/// <c>Status</c> is the HTTP status when the server refused the upgrade (<see cref="LinkEndKind.Refused"/>).
/// </summary>
internal sealed record LinkEnd(LinkEndKind Kind, string Detail, int? Status = null)
{
    public static LinkEnd KeyRejected { get; } = new(LinkEndKind.KeyRejected, "the server refused the machine key (401)");

    public static LinkEnd PendingApproval { get; } = new(LinkEndKind.PendingApproval, "this machine waits for an admin's approval (403)");

    public static LinkEnd Superseded { get; } = new(LinkEndKind.Superseded, "another connection of this machine replaced this one");

    public static LinkEnd Ended { get; } = new(LinkEndKind.Ended, "the server ended the session");

    public static LinkEnd Stopped { get; } = new(LinkEndKind.Stopped, "this agent said goodbye");

    public static LinkEnd Unreachable(string detail) => new(LinkEndKind.Unreachable, detail);

    public static LinkEnd Refused(int status) => new(LinkEndKind.Refused, $"the server answered HTTP {status}", status);

    public static LinkEnd Dropped(string detail) => new(LinkEndKind.Dropped, detail);
}

internal enum LinkEndKind
{
    KeyRejected,
    PendingApproval,
    Superseded,
    Unreachable,
    Refused,
    Dropped,

    /// <summary><c>Disconnect {reason: "session-ended"}</c>: a technician ended the session or cancelled its code (docs/protocol.md "Session lifecycle").</summary>
    Ended,

    /// <summary>Cancelled (Ctrl+C, service stop): the agent closed the socket itself.</summary>
    Stopped,
}
