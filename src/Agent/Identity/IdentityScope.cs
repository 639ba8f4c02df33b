namespace GuruConnect.Agent.Identity;

internal enum IdentityScope
{
    /// <summary>Derived from hardware signals: survives an OS re-install.</summary>
    Hardware,

    /// <summary>Only the OS install id was available: a re-install gives a new uid (docs/agent.md).</summary>
    OsScoped,
}
