using GuruConnect.Agent.Platform.Linux;

namespace GuruConnect.Agent.Tests.Service;

public sealed class SystemdWatchdogTests
{
    [Theory]
    [InlineData("60000000", 30_000)]
    [InlineData("1000000", 500)]
    public void Interval_IsHalfOfWatchdogUsec(string usec, int expectedMilliseconds) =>
        SystemdWatchdog.Interval(usec).ShouldBe(TimeSpan.FromMilliseconds(expectedMilliseconds));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("99999999999999999999999")]
    public void Interval_NoOrBadValue_MeansNoWatchdog(string? usec) => SystemdWatchdog.Interval(usec).ShouldBeNull();
}
