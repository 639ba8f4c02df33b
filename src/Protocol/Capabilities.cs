namespace GuruConnect.Protocol;

/// <summary>Names an agent lists in <c>AgentHello.capabilities</c> (docs/protocol.md).</summary>
public static class Capabilities
{
    /// <summary>The agent answers and sends protobuf <c>Ping</c>/<c>Pong</c> heartbeats.</summary>
    public const string Heartbeat = "heartbeat";
}
