namespace GuruConnect.Agent.Transport;

/// <summary>How one connection attempt ended; the reconnect loop decides what to do next from it.</summary>
internal sealed record SessionEnd(SessionEndKind Kind, string Detail)
{
    public static SessionEnd KeyRejected { get; } = new(SessionEndKind.KeyRejected, "the server refused the machine key (401)");

    public static SessionEnd PendingApproval { get; } = new(SessionEndKind.PendingApproval, "this machine waits for an admin's approval (403)");

    public static SessionEnd Superseded { get; } = new(SessionEndKind.Superseded, "another connection of this machine replaced this one");

    public static SessionEnd Unreachable(string detail) => new(SessionEndKind.Unreachable, detail);

    public static SessionEnd Refused(int status) => new(SessionEndKind.Refused, $"the server answered HTTP {status}");

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
}
