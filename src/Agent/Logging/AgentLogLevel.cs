namespace GuruConnect.Agent.Logging;

// Mirrors Microsoft.Extensions.Logging.LogLevel so the swap to ILogger is mechanical once a
// logging package is pinned centrally (the agent is a plain console app: ILogger is not in
// the base shared framework).
internal enum AgentLogLevel
{
    Debug = 1,
    Information = 2,
    Warning = 3,
    Error = 4,
}
