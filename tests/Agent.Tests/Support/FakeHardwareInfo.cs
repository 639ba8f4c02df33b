using GuruConnect.Agent.Identity;

namespace GuruConnect.Agent.Tests.Support;

/// <summary>The hardware seam (CONTRIBUTING.md: mocks only at OS seams).</summary>
internal sealed class FakeHardwareInfo(IdentitySignals signals) : IHardwareInfo
{
    public static FakeHardwareInfo Default { get; } = new(new IdentitySignals(
        "4C4C4544-0042-3510-8052-B4C04F4B4E32", "/9X2KN32/CN1296", "S3Z1NB0K123456", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"));

    public IdentitySignals Signals { get; set; } = signals;

    public Task<IdentitySignals> ReadIdentitySignalsAsync(CancellationToken cancellationToken) => Task.FromResult(Signals);
}
