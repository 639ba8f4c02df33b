namespace GuruConnect.Agent.Config;

/// <summary>
/// Where the agent reads its config and keeps its state (docs/agent.md). The environment variables
/// exist for tests, development and unusual layouts.
/// </summary>
/// <param name="ConfigPath">The site config JSON.</param>
/// <param name="StateDirectory">Credential, <c>state.json</c> and <c>logs/</c>.</param>
/// <param name="IsSystemWide">Both are the platform defaults, which only root / an administrator can write.</param>
internal sealed record AgentPaths(string ConfigPath, string StateDirectory, bool IsSystemWide = false)
{
    public const string ConfigVariable = "GURUCONNECT_AGENT_CONFIG";
    public const string StateVariable = "GURUCONNECT_AGENT_STATE";

    public string LogDirectory => Path.Combine(StateDirectory, "logs");

    public string StateFilePath => Path.Combine(StateDirectory, "state.json");

    public static AgentPaths Resolve(Func<string, string?> environment)
    {
        var config = environment(ConfigVariable);
        var state = environment(StateVariable);
        return new AgentPaths(
            string.IsNullOrWhiteSpace(config) ? DefaultConfigPath() : config,
            string.IsNullOrWhiteSpace(state) ? DefaultStateDirectory() : state,
            string.IsNullOrWhiteSpace(config) && string.IsNullOrWhiteSpace(state));
    }

    public static string DefaultConfigPath() => OperatingSystem.IsWindows()
        ? Path.Combine(ProgramData(), "GuruConnect", "agent.json")
        : "/etc/guruconnect/agent.json";

    public static string DefaultStateDirectory() => OperatingSystem.IsWindows()
        ? Path.Combine(ProgramData(), "GuruConnect", "credentials")
        : "/var/lib/guruconnect";

    private static string ProgramData() => Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData);
}
