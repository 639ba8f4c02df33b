namespace GuruConnect.Agent.Tests.Support;

/// <summary>Pins the backoff jitter: every draw is <paramref name="value"/>.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;
}
