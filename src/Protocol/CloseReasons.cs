namespace GuruConnect.Protocol;

/// <summary>
/// Reasons the server gives in <c>Disconnect.reason</c> and the WebSocket close description
/// (docs/protocol.md). The well-known ones agents act on are <see cref="Superseded"/>,
/// <see cref="Revoked"/>, <see cref="Removed"/>, <see cref="SessionEnded"/> and <see cref="Shutdown"/>.
/// </summary>
public static class CloseReasons
{
    /// <summary>A newer socket of the same machine took over.</summary>
    public const string Superseded = "superseded";

    /// <summary>The machine's key was revoked.</summary>
    public const string Revoked = "revoked";

    /// <summary>The machine was removed.</summary>
    public const string Removed = "removed";

    /// <summary>The machine waits for an admin's approval.</summary>
    public const string Pending = "pending";

    /// <summary>A technician ended the session or cancelled its support code.</summary>
    public const string SessionEnded = "session-ended";

    /// <summary>The server is stopping.</summary>
    public const string Shutdown = "shutdown";

    /// <summary>No <c>AgentHello</c> within the deadline.</summary>
    public const string HelloTimeout = "hello-timeout";

    /// <summary>No message (not even a heartbeat) within the deadline.</summary>
    public const string Silence = "silence";

    /// <summary>The peer did not drain its send queue.</summary>
    public const string TooSlow = "too-slow";

    /// <summary>A message over the plane's size limit.</summary>
    public const string TooLarge = "too-large";

    /// <summary>A text message on a binary-only socket.</summary>
    public const string NotBinary = "not-binary";

    /// <summary>A message that is not a valid <c>Envelope</c> (closed with 1007).</summary>
    public const string Malformed = "malformed";

    /// <summary>An <c>AgentHello</c> without what the server needs.</summary>
    public const string BadHello = "bad-hello";

    /// <summary>The peer said goodbye.</summary>
    public const string Goodbye = "goodbye";

    /// <summary>The server could not complete the handshake (a database error).</summary>
    public const string ServerError = "server-error";
}
