namespace GuruConnect.Bench.Relay;

/// <summary>
/// One agent and N viewers, either through the relay or over direct loopback WebSocket pairs (the
/// reference). The measurements are written once against this.
/// </summary>
internal interface IRig : IAsyncDisposable
{
    string Name { get; }

    int Viewers { get; }

    /// <summary>Sends one message from the agent to every viewer.</summary>
    Task AgentSendAsync(ReadOnlyMemory<byte> message);

    Task ViewerSendAsync(int viewer, ReadOnlyMemory<byte> message);

    /// <summary>Starts the receive loops: the agent's gets (viewer index, message), each viewer's gets (its index, message).</summary>
    void Start(Action<int, ReadOnlySpan<byte>> atAgent, Action<int, ReadOnlySpan<byte>> atViewer);
}
