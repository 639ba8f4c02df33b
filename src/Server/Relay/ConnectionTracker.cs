using System.Collections.Concurrent;

namespace GuruConnect.Server.Relay;

/// <summary>Every live relay socket on this node, attached to a session or not yet: what the heartbeat sweep walks.</summary>
internal sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<RelayConnection, byte> connections = new();

    public int Count => connections.Count;

    // Enumerating the dictionary itself is lock-free and copies nothing (Keys would snapshot every entry).
    public IEnumerable<RelayConnection> All => connections.Select(pair => pair.Key);

    public void Add(RelayConnection connection) => connections.TryAdd(connection, 0);

    public void Remove(RelayConnection connection) => connections.TryRemove(connection, out _);
}
