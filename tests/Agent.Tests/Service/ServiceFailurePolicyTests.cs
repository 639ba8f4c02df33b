using GuruConnect.Agent.Service;

namespace GuruConnect.Agent.Tests.Service;

public sealed class ServiceFailurePolicyTests
{
    [Fact]
    public void Default_RestartsAfterFiveSeconds_OnEveryFailure()
    {
        var (resetSeconds, actions) = ServiceFailurePolicy.Default.ToNative();

        resetSeconds.ShouldBe(86_400u);
        actions.ShouldNotBeEmpty();
        actions.ShouldAllBe(a => a.Type == ServiceFailurePolicy.RestartActionType && a.DelayMilliseconds == 5_000);
    }
}
