namespace GuruConnect.Protocol;

/// <summary>How a <see cref="WebSocketMessageReader.ReadAsync"/> ended.</summary>
public enum WebSocketReadStatus
{
    /// <summary>A whole binary message was read into <see cref="WebSocketReadResult.Buffer"/>.</summary>
    Message,

    /// <summary>
    /// The message is larger than the reader's cap. Nothing beyond the cap was buffered and the
    /// rest of the message is unread: close the socket with
    /// <see cref="System.Net.WebSockets.WebSocketCloseStatus.MessageTooBig"/> (1009).
    /// </summary>
    TooLarge,

    /// <summary>
    /// The peer closed the connection. <see cref="WebSocketReadResult.CloseStatus"/> is set when it
    /// sent a close frame (answer it with <c>CloseOutputAsync</c>), and null when the connection
    /// dropped without one or the socket was aborted locally (nothing left to answer).
    /// </summary>
    Closed,

    /// <summary>
    /// The peer sent a text message; the protocol is binary only. The message is unread: close the
    /// socket with <see cref="System.Net.WebSockets.WebSocketCloseStatus.InvalidMessageType"/> (1003).
    /// </summary>
    NotBinary,
}
