namespace GuruConnect.Server.Relay;

/// <summary>What happened to a message handed to a <see cref="SendQueue"/>.</summary>
internal enum EnqueueResult
{
    /// <summary>It will be sent.</summary>
    Queued,

    /// <summary>A droppable message (video, cursor moves, relayed input) met a full queue and was dropped.</summary>
    Dropped,

    /// <summary>Even the slack above the bound is used up: the peer is not reading, disconnect it.</summary>
    Overflow,

    /// <summary>The connection is closing; nothing more is sent.</summary>
    Closed,
}
