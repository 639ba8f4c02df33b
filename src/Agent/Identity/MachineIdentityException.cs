namespace GuruConnect.Agent.Identity;

/// <summary>No identity signal at all: the agent cannot enroll, and says what to fix.</summary>
internal sealed class MachineIdentityException : Exception
{
    public MachineIdentityException()
        : base("No machine identity is available.")
    {
    }

    public MachineIdentityException(string message)
        : base(message)
    {
    }

    public MachineIdentityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
