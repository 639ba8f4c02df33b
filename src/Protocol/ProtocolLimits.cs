namespace GuruConnect.Protocol;

/// <summary>Limits and timings every peer of the protocol agrees on (docs/protocol.md).</summary>
public static class ProtocolLimits
{
    /// <summary>Largest WebSocket message an agent may send: 4 MiB. Larger closes the socket with 1009.</summary>
    public const int MaxAgentMessageBytes = 4 * 1024 * 1024;

    /// <summary>Largest WebSocket message a viewer may send: 64 KiB. Larger closes the socket with 1009.</summary>
    public const int MaxViewerMessageBytes = 64 * 1024;

    /// <summary>Input messages (<c>MouseInput</c>, <c>KeyInput</c>) accepted per viewer per second; excess is dropped.</summary>
    public const int MaxViewerInputPerSecond = 240;

    /// <summary>Largest <c>ClipboardText.text</c>, in UTF-8 bytes: 1 MiB.</summary>
    /// <remarks>A viewer's clipboard is also bound by <see cref="MaxViewerMessageBytes"/>.</remarks>
    public const int MaxClipboardBytes = 1024 * 1024;

    /// <summary>Video frames the agent keeps unacknowledged (per viewer) before it waits for a <c>FrameAck</c>.</summary>
    public const int DefaultMaxFramesInFlight = 3;

    /// <summary>Frame rate when no <c>QualityRequest.max_fps</c> says otherwise.</summary>
    public const int DefaultMaxFps = 30;

    /// <summary>How often each side sends <c>Ping</c>: 20 s.</summary>
    public static TimeSpan HeartbeatInterval { get; } = TimeSpan.FromSeconds(20);

    /// <summary>Silence after which a socket is closed: 60 s.</summary>
    public static TimeSpan SilenceTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Time an agent has after the upgrade to send <c>AgentHello</c>: 10 s.</summary>
    public static TimeSpan HelloTimeout { get; } = TimeSpan.FromSeconds(10);
}
