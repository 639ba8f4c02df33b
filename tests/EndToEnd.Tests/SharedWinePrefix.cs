namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// The tests that run the Windows build under wine64 share one prefix and so one wineserver and one
/// desktop: they run one after another (in parallel with everything else), and each starts by
/// stopping the wineserver the previous one left (<see cref="AgentLauncher.ResetWineServer"/>).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedWinePrefix
{
    public const string Name = "wine";
}
