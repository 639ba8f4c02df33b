namespace GuruConnect.Server.Relay;

/// <summary>Who an agent socket is after its hello: the machine, when its session started, and a key to provision (TOFU).</summary>
internal sealed record AgentIdentity(AgentConnection Agent, DateTimeOffset StartedAt, string? ProvisionedKey);
