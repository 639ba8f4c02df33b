using GuruConnect.Server.Machines;

namespace GuruConnect.Server.Relay;

/// <summary>An agent socket once its <c>AgentHello</c> named the machine: what sessions and the sweeps need to know.</summary>
internal sealed class AgentConnection(RelayConnection connection, Guid machineId, Guid? keyId, string ip, DateTimeOffset helloAt)
{
    private long lastSeenWrittenTicks = helloAt.UtcTicks;
    private long inventoryWrittenTicks;
    private MachineInventory? pendingInventory;

    public RelayConnection Connection { get; } = connection;

    public Guid MachineId { get; } = machineId;

    /// <summary>The <c>cak_</c> it authenticated with; null for a bootstrap-key agent.</summary>
    public Guid? KeyId { get; } = keyId;

    /// <summary>
    /// An attended support agent: <see cref="MachineId"/> is then its session's id, with no machine row
    /// behind it (nothing is written to <c>machines</c> for it).
    /// </summary>
    public bool IsSupport { get; init; }

    /// <summary>The key minted for a bootstrap-key agent on this connection (TOFU), if any.</summary>
    public Guid? ProvisionedKeyId { get; init; }

    /// <summary>The connection's client address: stored as the machine's external IP.</summary>
    public string Ip { get; } = ip;

    /// <summary>When <c>lastSeen</c> was last written for this connection (the hello writes it first).</summary>
    public DateTimeOffset LastSeenWrittenAt
    {
        get => new(Interlocked.Read(ref lastSeenWrittenTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref lastSeenWrittenTicks, value.UtcTicks);
    }

    /// <summary>When this connection's inventory was last written; null before its first report.</summary>
    public DateTimeOffset? InventoryWrittenAt
    {
        get => Interlocked.Read(ref inventoryWrittenTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
        set => Interlocked.Exchange(ref inventoryWrittenTicks, value?.UtcTicks ?? 0);
    }

    /// <summary>The newest report not yet written (see <see cref="InventoryWriter"/>).</summary>
    public MachineInventory? PendingInventory
    {
        get => Volatile.Read(ref pendingInventory);
        set => Volatile.Write(ref pendingInventory, value);
    }

    public MachineInventory? TakePendingInventory() => Interlocked.Exchange(ref pendingInventory, null);

    /// <summary>True when <paramref name="keyId"/> is what this socket stands on (its own key or the one provisioned to it).</summary>
    public bool UsesKey(Guid keyId) => KeyId == keyId || ProvisionedKeyId == keyId;
}
