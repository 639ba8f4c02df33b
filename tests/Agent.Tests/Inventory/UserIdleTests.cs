using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Platform.Linux;
using GuruConnect.Agent.Tests.Streaming.X11;

namespace GuruConnect.Agent.Tests.Inventory;

/// <summary>The user's idle time: read from a real Xvfb, and re-reported only when it says something new.</summary>
public sealed class UserIdleTests
{
    private static readonly InventorySnapshot Facts = new(
        "Linux", "1", "cpu", 2, 1, "m", "n", "s", ["10.0.0.1"], ["aa:bb:cc:dd:ee:ff"], "alice", 0, "UTC", 10, false);

    [Fact]
    public void Idle_time_is_re_reported_when_the_user_goes_idle_or_comes_back_not_while_it_only_grows()
    {
        var active = Facts with { UserIdleSeconds = 3 };
        (Facts with { UserIdleSeconds = 15 }).ShouldReplace(active, TimeSpan.FromSeconds(20)).ShouldBeFalse("still active");
        (Facts with { UserIdleSeconds = 70 }).ShouldReplace(active, TimeSpan.FromSeconds(20)).ShouldBeTrue("went idle");
        var idle = Facts with { UserIdleSeconds = 600 };
        (Facts with { UserIdleSeconds = 620 }).ShouldReplace(idle, TimeSpan.FromSeconds(20)).ShouldBeFalse("idle time only grew with the clock");
        (Facts with { UserIdleSeconds = 5 }).ShouldReplace(idle, TimeSpan.FromSeconds(20)).ShouldBeTrue("came back");
        (Facts with { UserIdleSeconds = 90 }).ShouldReplace(idle, TimeSpan.FromSeconds(600)).ShouldBeTrue("was back in between, idle again now");
        (Facts with { UserIdleSeconds = 620, LoggedOnUser = "bob" }).ShouldReplace(idle, TimeSpan.FromSeconds(20)).ShouldBeTrue("other facts changed");
    }

    [Fact]
    public async Task The_idle_counter_of_an_X_display_grows_while_nobody_types_and_no_display_is_unknown()
    {
        XScreenSaverIdle.Seconds(":1999").ShouldBe(0UL, "no X server there: unknown");
        using var xvfb = await XvfbServer.StartOrSkipAsync(320, 200);
        // The counter starts when the server finishes starting, which a loaded runner delays: poll, not sleep.
        var idle = 0UL;
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(20) && idle < 2; waited += TimeSpan.FromMilliseconds(250))
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            idle = XScreenSaverIdle.Seconds(xvfb.Display);
        }

        idle.ShouldBeGreaterThanOrEqualTo(2UL);
        new LinuxInventorySource("/nonexistent", () => 42).Read().UserIdleSeconds.ShouldBe(42UL);
    }
}
