namespace GuruConnect.Server.Relay;

/// <summary>
/// How a connection's receive loop ended. Like YARP's <c>StreamCopyResult</c>, the normal ways a relay
/// loop ends are values, not exceptions.
/// </summary>
internal enum ConnectionEnd
{
    /// <summary>The peer closed the socket, or answered the close the server started.</summary>
    PeerClosed,

    /// <summary>The peer said goodbye with a <c>Disconnect</c> message.</summary>
    Disconnected,

    /// <summary>A message over the plane's cap: closed with 1009.</summary>
    TooLarge,

    /// <summary>A message that is not a valid protobuf envelope: closed with 1007 (docs/protocol.md).</summary>
    Malformed,

    /// <summary>A text message: closed with 1003.</summary>
    NotBinary,

    /// <summary>The server closed it (superseded, revoked, refused after the hello, …): see <see cref="RelayConnection.CloseReason"/>.</summary>
    ClosedByServer,

    /// <summary>The connection was aborted (close grace ran out, the server stopped, the transport dropped).</summary>
    Aborted,
}
