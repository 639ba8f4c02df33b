namespace GuruConnect.Server.Relay;

/// <summary>An agent socket once its <c>AgentHello</c> named the machine: what sessions and the sweeps need to know.</summary>
internal sealed class AgentConnection(RelayConnection connection, Guid machineId, Guid? keyId, string ip, DateTimeOffset helloAt)
{
    private long lastSeenWrittenTicks = helloAt.UtcTicks;

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

    /// <summary>True when <paramref name="keyId"/> is what this socket stands on (its own key or the one provisioned to it).</summary>
    public bool UsesKey(Guid keyId) => KeyId == keyId || ProvisionedKeyId == keyId;
}
