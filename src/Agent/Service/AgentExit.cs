namespace GuruConnect.Agent.Service;

/// <summary>The exit code <c>run</c> ends with (ExitCodes.cs), set by <see cref="AgentService"/>.</summary>
internal sealed class AgentExit
{
    public int Code { get; set; } = ExitCodes.Ok;
}
