using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// The OS seam for the screen: the monitors and a capture of one of them. Implementations live in
/// Platform/Linux/X11 and Platform/Windows/Capture; tests use an in-memory source. Called from one
/// thread at a time (the session's pump).
/// </summary>
internal interface IScreenSource : IDisposable
{
    /// <summary>The monitors now, in the order a viewer lists them; the first primary one is the default.</summary>
    IReadOnlyList<DisplayInfo> GetDisplays();

    /// <summary>
    /// Captures display <paramref name="displayId"/>. An empty frame means it is gone or cannot be
    /// read right now (e.g. a secure desktop): the caller skips it this round.
    /// </summary>
    CapturedFrame Capture(uint displayId);

    /// <summary>
    /// Whether the source learns of changes without capturing (XDamage): then <see cref="ChangedSinceCapture"/>
    /// can be trusted and <see cref="NotifyChanges"/> wakes the session when a quiet screen changes, so the
    /// change is captured at once, not at the next frame interval (docs/agent.md "Session loop").
    /// </summary>
    bool TellsChanges => false;

    /// <summary>Whether the display may have changed since its last capture; true when the source cannot tell.</summary>
    bool ChangedSinceCapture(uint displayId) => true;

    /// <summary>
    /// Calls <paramref name="changed"/> (from any thread) when something may have changed since the source
    /// was last asked or captured; at most once until it is asked again. Nothing when it cannot tell.
    /// </summary>
    void NotifyChanges(Action changed)
    {
    }
}
