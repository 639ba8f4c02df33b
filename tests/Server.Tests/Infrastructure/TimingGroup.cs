namespace GuruConnect.Server.Tests.Infrastructure;

/// <summary>Timing-sensitive tests run alone, never beside other tests competing for the 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingGroup
{
    public const string Name = "Timing";
}
