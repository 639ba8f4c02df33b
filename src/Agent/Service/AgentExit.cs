namespace GuruConnect.Agent.Service;

/// <summary>The exit code <c>run</c> ends with (ExitCodes.cs), set by <see cref="AgentService"/>.</summary>
internal sealed class AgentExit
{
    private int code = ExitCodes.Ok;
    private volatile bool restart;

    /// <summary>The code; <see cref="ExitCodes.RestartForUpdate"/> once an update asked for a restart, whatever else ends <c>run</c>.</summary>
    public int Code
    {
        get => restart ? ExitCodes.RestartForUpdate : code;
        set => code = value;
    }

    /// <summary>The binary at the installed path changed (an update or its rollback): the service manager starts it.</summary>
    public void RequestRestart() => restart = true;
}
