namespace GuruConnect.Agent.Transport;

internal enum LinkOutcome
{
    /// <summary>Cancelled: the service is stopping.</summary>
    Stopped,

    /// <summary>The server refused the stored machine key (revoked, or the machine was removed).</summary>
    KeyRejected,
}
