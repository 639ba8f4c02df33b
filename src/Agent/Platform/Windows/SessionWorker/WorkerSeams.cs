namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>Which session owns the physical console now (WTSGetActiveConsoleSessionId); null while none is attached (a switch in progress).</summary>
internal interface IConsoleSessions
{
    uint? ActiveConsoleSession();
}

/// <summary>Starts the agent binary in <c>session-worker</c> mode inside a session (CreateProcessAsUser on Windows).</summary>
internal interface IWorkerLauncher
{
    /// <summary>Starts a worker that connects to pipe <paramref name="pipeName"/>; throws when the OS refuses.</summary>
    IWorkerProcess Start(uint sessionId, string pipeName);
}

/// <summary>A started worker process.</summary>
internal interface IWorkerProcess : IDisposable
{
    int Id { get; }

    /// <summary>Completes when the process has exited.</summary>
    Task Exited { get; }

    /// <summary>Ends the process (nothing when it already ended).</summary>
    void Kill();
}

/// <summary>The pipe a worker connects back to; created before the worker starts, so nobody else can claim its name.</summary>
internal interface IWorkerPipes
{
    IWorkerPipe Create(string name);
}

internal interface IWorkerPipe : IDisposable
{
    /// <summary>
    /// The connected pipe once process <paramref name="processId"/> opened it; an
    /// <see cref="UnauthorizedAccessException"/> when another process did.
    /// </summary>
    Task<Stream> AcceptAsync(int processId, CancellationToken cancellationToken);
}
