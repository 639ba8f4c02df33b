using System.Text;

namespace GuruConnect.Server.Relay;

/// <summary>A viewer socket in a session: who it is, its input throttle, and the bytes that stamp its id on what it sends.</summary>
internal sealed class ViewerConnection
{
    private volatile bool needsKeyframe;

    public ViewerConnection(RelayConnection connection, string viewerId, Guid userId, string username, DateTimeOffset since, InputThrottle throttle)
    {
        Connection = connection;
        ViewerId = viewerId;
        UserId = userId;
        Username = username;
        Since = since;
        Throttle = throttle;
        ViewerIdField = EncodeViewerIdField(viewerId);
    }

    public RelayConnection Connection { get; }

    public string ViewerId { get; }

    public Guid UserId { get; }

    public string Username { get; }

    public DateTimeOffset Since { get; }

    public InputThrottle Throttle { get; }

    /// <summary>
    /// <c>Envelope.viewer_id</c> (field 1, length-delimited) holding this viewer's id. Appended to every
    /// message the viewer sends: the last occurrence of a field wins, so whatever id the viewer put there
    /// itself is overwritten without re-encoding its message (docs/protocol.md "Framing").
    /// </summary>
    public byte[] ViewerIdField { get; }

    /// <summary>A video frame to this viewer was dropped: ask the agent for a keyframe once there is room again.</summary>
    public bool NeedsKeyframe
    {
        get => needsKeyframe;
        set => needsKeyframe = value;
    }

    private static byte[] EncodeViewerIdField(string viewerId)
    {
        var value = Encoding.UTF8.GetBytes(viewerId);
        if (value.Length > 127)
        {
            throw new ArgumentException("A viewer id is short; one length byte is enough.", nameof(viewerId));
        }

        return [(GuruConnect.Protocol.V1.Envelope.ViewerIdFieldNumber << 3) | 2, (byte)value.Length, .. value];
    }
}
