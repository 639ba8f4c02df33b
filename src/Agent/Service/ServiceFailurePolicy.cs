namespace GuruConnect.Agent.Service;

/// <summary>
/// Windows recovery settings (docs/agent.md: restart on failure after 5 s). Kept apart from the
/// P/Invoke so the values are testable on any OS.
/// </summary>
/// <param name="ResetPeriod">After this long without a failure the failure count starts again.</param>
/// <param name="RestartDelays">One restart action per consecutive failure; the last one repeats.</param>
internal sealed record ServiceFailurePolicy(TimeSpan ResetPeriod, IReadOnlyList<TimeSpan> RestartDelays)
{
    /// <summary>SC_ACTION_RESTART in winsvc.h.</summary>
    public const int RestartActionType = 1;

    public static ServiceFailurePolicy Default { get; } = new(
        TimeSpan.FromDays(1),
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)]);

    /// <summary>dwResetPeriod in seconds and the SC_ACTION array (type, delay in milliseconds).</summary>
    public (uint ResetPeriodSeconds, (int Type, uint DelayMilliseconds)[] Actions) ToNative() =>
        ((uint)ResetPeriod.TotalSeconds, RestartDelays.Select(d => (RestartActionType, (uint)d.TotalMilliseconds)).ToArray());
}
