namespace GuruConnect.Agent.Credentials;

/// <summary>
/// A stored credential exists but cannot be used. Fatal on purpose: silently enrolling again
/// would loop against the server and hide a copied file or changed hardware (docs/agent.md).
/// </summary>
internal sealed class CredentialStoreUnreadableException : Exception
{
    public CredentialStoreUnreadableException()
        : base("The stored machine credential cannot be read.")
    {
    }

    public CredentialStoreUnreadableException(string message)
        : base(message)
    {
    }

    public CredentialStoreUnreadableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CredentialStoreUnreadableException(string path, string reason, Exception? innerException)
        : base(
            $"The stored machine credential at {path} cannot be used: {reason}. " +
            $"Delete {path} and run `guruconnect-agent enroll` again, or restore the machine's original hardware identity.",
            innerException)
    {
        StorePath = path;
    }

    public string? StorePath { get; }
}
