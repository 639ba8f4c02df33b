namespace GuruConnect.Agent.Identity;

/// <summary>
/// The platform seam for hardware facts (docs/agent.md names it <c>IHardwareInfo</c>). Readers never
/// throw for a missing or unreadable value: it is simply a missing signal.
/// </summary>
internal interface IHardwareInfo
{
    Task<IdentitySignals> ReadIdentitySignalsAsync(CancellationToken cancellationToken);
}
