using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// One viewer's pace: its own sequence numbers, acks, frame rate and displays. Each viewer is paced
/// only by its own acks, so a slow one never holds back a fast one (docs/agent.md "Session loop").
/// </summary>
internal sealed class ViewerStream(string id)
{
    public const uint DefaultFps = 30;

    public string Id { get; } = id;

    /// <summary>The last sequence number sent to this viewer; the first frame is 1.</summary>
    public ulong LastSent { get; private set; }

    public ulong LastAcked { get; private set; }

    public int InFlight => (int)(LastSent - LastAcked);

    public long NextDue { get; set; }

    /// <summary>When this viewer was last sent a frame (a timestamp); its frame rate counts from there.</summary>
    public long LastFrameAt { get; set; }

    /// <summary>
    /// Whether a change the source reports may bring this viewer's next capture forward; off after such a
    /// capture found nothing, until its next regular one (so a false report costs one capture an interval).
    /// </summary>
    public bool EarlyAllowed { get; set; } = true;

    public uint MaxFps { get; private set; } = DefaultFps;

    /// <summary>JPEG quality 1-100 when lossy tiles are allowed.</summary>
    public int Quality { get; private set; } = 80;

    /// <summary>Lossless until the viewer says otherwise.</summary>
    public bool PreferLossless { get; private set; } = true;

    public List<ViewerDisplay> Displays { get; } = [];

    /// <summary>Skipped captures: counted for the tests and the benchmark, never queued.</summary>
    public long Skipped { get; set; }

    /// <summary>Whether one of its displays is part way through a frame sent in parts.</summary>
    public bool Continuing
    {
        get
        {
            foreach (var display in Displays)
            {
                if (display.Partial)
                    return true;
            }

            return false;
        }
    }

    public ulong NextSequence() => ++LastSent;

    /// <summary>Cumulative ack; an ack for a frame never sent or older than the last is ignored.</summary>
    public void Ack(ulong sequence)
    {
        if (sequence > LastAcked && sequence <= LastSent)
            LastAcked = sequence;
    }

    public void Apply(QualityRequest request)
    {
        MaxFps = request.MaxFps == 0 ? DefaultFps : Math.Clamp(request.MaxFps, 1, 120);
        Quality = request.Quality == 0 ? 80 : (int)Math.Clamp(request.Quality, 1, 100);
        PreferLossless = request.PreferLossless;
    }

    public TimeSpan FrameInterval => TimeSpan.FromSeconds(1.0 / MaxFps);
}
