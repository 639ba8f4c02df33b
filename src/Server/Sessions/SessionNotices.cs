using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Sessions;

/// <summary>The server-originated envelopes of the session lifecycle.</summary>
internal static class SessionNotices
{
    public static Envelope Notice(SessionNoticeKind kind, string text) =>
        new() { SessionNotice = new SessionNotice { Kind = kind, Text = text } };

    public static Envelope Disconnect(string reason) => new() { Disconnect = new Disconnect { Reason = reason } };

    public static Envelope ViewerJoined(string viewerId, string username) =>
        new() { ViewerJoined = new ViewerJoined { ViewerId = viewerId, Username = username } };

    public static Envelope ViewerLeft(string viewerId, string username) =>
        new() { ViewerLeft = new ViewerLeft { ViewerId = viewerId, Username = username } };

    public static Envelope ControlState(string? controllerId, string? controllerUsername, bool youHaveControl) => new()
    {
        InputControlState = new InputControlState
        {
            ControllerViewerId = controllerId ?? string.Empty,
            ControllerUsername = controllerUsername ?? string.Empty,
            YouHaveControl = youHaveControl,
        },
    };
}
