using GuruConnect.Agent.Retry;

namespace GuruConnect.Agent.Transport;

/// <summary>
/// The reconnect policy (docs/protocol.md "Agent plane": 1 s doubling to 60 s, with jitter). Tests
/// register smaller values; the defaults are the product's.
/// </summary>
internal sealed record LinkSettings
{
    public TimeSpan InitialBackoff { get; init; } = Backoff.DefaultInitial;

    public TimeSpan MaximumBackoff { get; init; } = Backoff.DefaultMaximum;

    /// <summary>A pending machine is re-tried slowly: an admin has to act first.</summary>
    public TimeSpan PendingRetry { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection that lasted this long resets the backoff.</summary>
    public TimeSpan StableConnection { get; init; } = TimeSpan.FromMinutes(1);
}
