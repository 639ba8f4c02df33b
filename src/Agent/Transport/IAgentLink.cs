using GuruConnect.Agent.Credentials;

namespace GuruConnect.Agent.Transport;

/// <summary>
/// The connection to the relay (docs/protocol.md agent plane, docs/agent.md "Session loop"): connect with the
/// machine key, serve sessions, reconnect with <see cref="Retry.Backoff"/>. Returns when its token
/// is cancelled, or when the server refuses the key (the caller then deletes it and re-enrolls).
/// </summary>
internal interface IAgentLink
{
    Task<LinkOutcome> RunAsync(AgentCredentials credentials, CancellationToken cancellationToken);
}
