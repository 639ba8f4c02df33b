namespace GuruConnect.Server.Relay;

/// <summary>
/// Reasons the server gives in <c>Disconnect.reason</c> and the WebSocket close description (docs/protocol.md:
/// the well-known ones are <c>superseded</c>, <c>revoked</c>, <c>removed</c>, <c>session-ended</c>, <c>shutdown</c>).
/// </summary>
internal static class CloseReasons
{
    public const string Superseded = "superseded";
    public const string Revoked = "revoked";
    public const string Removed = "removed";
    public const string Pending = "pending";
    public const string SessionEnded = "session-ended";
    public const string Shutdown = "shutdown";
    public const string HelloTimeout = "hello-timeout";
    public const string Silence = "silence";
    public const string TooSlow = "too-slow";
    public const string TooLarge = "too-large";
    public const string NotBinary = "not-binary";
    public const string Malformed = "malformed";
    public const string BadHello = "bad-hello";
    public const string Goodbye = "goodbye";
}
