namespace GuruConnect.Protocol;

/// <summary>
/// Who may send a message and who receives it (docs/protocol.md "Messages"). A message may travel
/// several ways, so this is a set of flags; <see cref="Directions.Of"/> gives it for every
/// envelope payload.
/// </summary>
[Flags]
public enum MessageDirection
{
    /// <summary>Not a known message: receivers ignore it and the relay drops it.</summary>
    None = 0,

    /// <summary>The agent sends it; the server consumes it.</summary>
    AgentToServer = 1,

    /// <summary>The agent sends it; the server relays it to the session's viewers.</summary>
    AgentToViewer = 2,

    /// <summary>The server originates it for the agent.</summary>
    ServerToAgent = 4,

    /// <summary>The server originates it for a viewer.</summary>
    ServerToViewer = 8,

    /// <summary>A viewer sends it; the server relays it to the agent.</summary>
    ViewerToAgent = 16,

    /// <summary>A viewer sends it; the server consumes it.</summary>
    ViewerToServer = 32,
}
