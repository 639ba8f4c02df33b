using GuruConnect.Protocol.V1;
using Case = GuruConnect.Protocol.V1.Envelope.PayloadOneofCase;

namespace GuruConnect.Protocol;

/// <summary>
/// Classifies envelope payloads by direction so the relay can enforce docs/protocol.md "Limits and
/// fairness": a viewer may only send viewer → agent messages, an agent only agent → server /
/// agent → viewer messages; anything else is dropped and counted.
/// </summary>
/// <remarks>
/// Every <see cref="Envelope.PayloadOneofCase"/> is classified here; a test fails when a new
/// message is added to the proto without a direction.
/// </remarks>
public static class Directions
{
    // Liveness and graceful close are per hop: each endpoint talks to the server, which answers
    // itself and never relays them.
    private const MessageDirection Hop =
        MessageDirection.AgentToServer | MessageDirection.ServerToAgent |
        MessageDirection.ViewerToServer | MessageDirection.ServerToViewer;

    private const MessageDirection AgentAndViewer =
        MessageDirection.AgentToViewer | MessageDirection.ViewerToAgent;

    /// <summary>Every direction the payload may travel; <see cref="MessageDirection.None"/> for an unknown or empty payload.</summary>
    public static MessageDirection Of(Envelope.PayloadOneofCase payload) => payload switch
    {
        Case.AgentHello or Case.AgentStatus => MessageDirection.AgentToServer,
        Case.AgentKeyProvision or Case.ViewerJoined or Case.ViewerLeft => MessageDirection.ServerToAgent,
        Case.Ping or Case.Pong or Case.Disconnect => Hop,
        Case.DisplayList or Case.VideoFrame or Case.CursorShape or Case.CursorPosition => MessageDirection.AgentToViewer,
        Case.SelectDisplay or Case.SelectAllDisplays or Case.KeyframeRequest or Case.FrameAck
            or Case.MouseInput or Case.KeyInput or Case.QualityRequest => MessageDirection.ViewerToAgent,
        Case.ClipboardText or Case.ChatMessage => AgentAndViewer,
        Case.SessionNotice => MessageDirection.ServerToAgent | MessageDirection.ServerToViewer,
        Case.InputControlRequest => MessageDirection.ViewerToServer,
        Case.InputControlState => MessageDirection.ServerToViewer,
        _ => MessageDirection.None,
    };

    /// <summary>
    /// An agent may send it (agent → server or agent → viewer). The agent plane drops everything else.
    /// </summary>
    public static bool IsAgentToServerOrViewer(Envelope.PayloadOneofCase payload) =>
        (Of(payload) & (MessageDirection.AgentToServer | MessageDirection.AgentToViewer)) != 0;

    /// <summary>
    /// A viewer may send it — what docs/protocol.md calls a viewer → agent message. The viewer plane drops
    /// everything else. Some of these (<c>Ping</c>, <c>Pong</c>, <c>Disconnect</c>,
    /// <c>InputControlRequest</c>) are answered by the server rather than relayed: see <see cref="IsRelayed"/>.
    /// </summary>
    public static bool IsViewerToAgent(Envelope.PayloadOneofCase payload) =>
        (Of(payload) & (MessageDirection.ViewerToAgent | MessageDirection.ViewerToServer)) != 0;

    /// <summary>
    /// Input a viewer injects on the remote machine (<c>MouseInput</c>, <c>KeyInput</c>, and
    /// <c>ClipboardText</c>, which a paste on the machine turns into typed text): at most
    /// <see cref="ProtocolLimits.MaxViewerInputPerSecond"/> per viewer, and only from the viewer
    /// holding input control (docs/protocol.md "Input control").
    /// </summary>
    public static bool IsViewerInput(Envelope.PayloadOneofCase payload) =>
        payload is Case.MouseInput or Case.KeyInput or Case.ClipboardText;

    /// <summary>Only the server originates it; a peer sending it is dropped.</summary>
    public static bool IsServerOnly(Envelope.PayloadOneofCase payload)
    {
        var direction = Of(payload);
        return direction != MessageDirection.None &&
            (direction & ~(MessageDirection.ServerToAgent | MessageDirection.ServerToViewer)) == 0;
    }

    /// <summary>
    /// The server forwards it between the agent and the viewers (agent → viewer or viewer → agent)
    /// instead of handling it itself. No payload is both relayed and server-consumed for the same sender.
    /// </summary>
    public static bool IsRelayed(Envelope.PayloadOneofCase payload) =>
        (Of(payload) & AgentAndViewer) != 0;
}
