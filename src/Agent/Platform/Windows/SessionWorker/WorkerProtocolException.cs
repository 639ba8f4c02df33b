namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>The other end of the worker pipe broke the protocol: the connection is closed, never trusted further.</summary>
internal sealed class WorkerProtocolException(string message) : Exception(message)
{
    public WorkerProtocolException()
        : this("The session worker broke the pipe protocol.")
    {
    }

    public WorkerProtocolException(string message, Exception innerException)
        : this(message + " " + innerException.Message)
    {
    }
}
