namespace GuruConnect.Server.Relay;

/// <summary>Why the relay dropped a message (the <c>reason</c> label of <c>guruconnect_relay_dropped_total</c>).</summary>
internal enum DropReason
{
    /// <summary>The sender may not send this payload (docs/protocol.md: dropped and counted).</summary>
    Direction,

    /// <summary>The envelope's top level did not parse, or carried an unknown payload.</summary>
    Malformed,

    /// <summary>Viewer input over the per-second limit.</summary>
    Throttled,

    /// <summary>Input from a viewer that does not hold input control.</summary>
    NotController,

    /// <summary>The receiver's send queue was full (a slow viewer's video frames).</summary>
    QueueFull,

    /// <summary>A viewer message while the agent is offline.</summary>
    AgentOffline,

    /// <summary>A message larger than its payload allows (e.g. clipboard over 1 MiB).</summary>
    TooLarge,
}
