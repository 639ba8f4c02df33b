namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// The fault runs load the machine (thousands of sockets, a server process killed, a database stopped):
/// they run one at a time and after the parallel suite, so neither they nor the other tests read each
/// other's load as a fault.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultRuns
{
    public const string Name = "Faults";
}
