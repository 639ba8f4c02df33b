namespace GuruConnect.Agent.Config;

/// <summary>The config is missing or unusable; the message names the file and the fix.</summary>
internal sealed class AgentConfigException : Exception
{
    public AgentConfigException()
        : base("The agent config is missing or invalid.")
    {
    }

    public AgentConfigException(string message)
        : base(message)
    {
    }

    public AgentConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AgentConfigException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ConfigPath = path;
    }

    public string? ConfigPath { get; }

    /// <summary>The file exists but this user may not read it: a privilege problem, not a config one.</summary>
    public bool PermissionDenied => InnerException is UnauthorizedAccessException;
}
