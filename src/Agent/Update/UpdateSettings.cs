namespace GuruConnect.Agent.Update;

/// <summary>
/// The update policy (docs/agent.md "Updates"). The defaults are the product's; tests register their
/// own. There is deliberately no setting that weakens TLS or the signature check.
/// </summary>
internal sealed record UpdateSettings
{
    public const string ChannelVariable = "GURUCONNECT_UPDATE_CHANNEL";
    public const string EnabledVariable = "GURUCONNECT_UPDATES";

    /// <summary><c>stable</c> (default) or <c>beta</c>.</summary>
    public string Channel { get; init; } = "stable";

    /// <summary>False when an admin turned updates off (<c>GURUCONNECT_UPDATES=off</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How long a new binary has to connect once before it is rolled back.</summary>
    public TimeSpan RollbackWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The first check after a start: this long, plus up to <see cref="FirstCheckSpread"/>, so a fleet restarted together does not ask at once.</summary>
    public TimeSpan FirstCheckDelay { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan FirstCheckSpread { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Then daily, give or take <see cref="CheckJitter"/>.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromHours(24);

    public TimeSpan CheckJitter { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long the new binary may take to answer <c>--version</c> before it is refused.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A download larger than this is refused (a published agent is well under 100 MiB).</summary>
    public long MaxDownloadBytes { get; init; } = 512L * 1024 * 1024;

    public static UpdateSettings FromEnvironment(Func<string, string?> environment)
    {
        var channel = environment(ChannelVariable)?.Trim().ToLowerInvariant();
        var enabled = environment(EnabledVariable)?.Trim().ToLowerInvariant();
        return new UpdateSettings
        {
            Channel = channel is "beta" ? "beta" : "stable",
            Enabled = enabled is not ("off" or "0" or "false" or "no"),
        };
    }
}
