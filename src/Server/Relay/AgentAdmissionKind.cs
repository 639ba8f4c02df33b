namespace GuruConnect.Server.Relay;

/// <summary>How <see cref="AgentAuthenticator"/> classified an agent's credential.</summary>
internal enum AgentAdmissionKind
{
    /// <summary>A stored, unrevoked <c>cak_</c> of an active machine: the machine is the key's.</summary>
    MachineKey,

    /// <summary>The deprecated shared bootstrap key: the machine is resolved from <c>AgentHello</c> (TOFU).</summary>
    SharedKey,

    /// <summary>A live support code (<c>?supportCode=</c>): an attended session that ends when the agent leaves.</summary>
    SupportCode,

    /// <summary>A key of a machine waiting for approval: 403 <c>MACHINE_PENDING</c>.</summary>
    Pending,

    /// <summary>Too many wrong support codes from this address: 429 with <c>Retry-After</c>.</summary>
    RateLimited,

    /// <summary>Anything else: 401.</summary>
    Refused,
}
