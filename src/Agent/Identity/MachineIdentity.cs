namespace GuruConnect.Agent.Identity;

/// <param name="Uid">Lowercase hex SHA-256, the <c>machineUid</c> sent to the server.</param>
/// <param name="Scope">Whether the uid survives an OS re-install.</param>
/// <param name="Signals">The normalised signals the uid was hashed from, in order.</param>
internal sealed record MachineIdentity(string Uid, IdentityScope Scope, IReadOnlyList<string> Signals)
{
    /// <summary>The wire name used in <c>AgentHello</c> and shown by <c>status</c>.</summary>
    public string ScopeName => Scope == IdentityScope.Hardware ? "hardware" : "os-scoped";
}
