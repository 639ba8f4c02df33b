namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>The session worker the service talks to now (<see cref="SessionWorkerSupervisor"/>); it changes when the worker restarts.</summary>
internal interface IWorkerConnections
{
    /// <summary>The connected worker, or null between workers (starting, switching sessions, backing off).</summary>
    WorkerConnection? Current { get; }

    /// <summary>Text copied in the console session, from whichever worker is current.</summary>
    event Action<string>? ClipboardChanged;

    /// <summary>Blocks until a worker is connected or <paramref name="timeout"/> passed.</summary>
    bool WaitForConnection(TimeSpan timeout);
}
