namespace GuruConnect.Agent.Service;

/// <summary>How to start this very agent again, for the service definition.</summary>
internal static class AgentCommandLine
{
    public const string ServiceName = "guruconnect-agent";

    /// <summary>The apphost path; or <c>dotnet</c> and the dll when started as <c>dotnet guruconnect-agent.dll</c>.</summary>
    public static IReadOnlyList<string> Current()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The agent cannot tell where its own executable is.");
        var name = Path.GetFileNameWithoutExtension(process);
        return string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase)
            ? [process, Path.Combine(AppContext.BaseDirectory, ServiceName + ".dll")]
            : [process];
    }
}
