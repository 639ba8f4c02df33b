namespace GuruConnect.Agent.Tests.Streaming;

/// <summary>A clock whose timestamps move only when the test says so (the pump paces by timestamps).</summary>
internal sealed class StepClock : TimeProvider
{
    private long ticks = 1_000_000;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}
