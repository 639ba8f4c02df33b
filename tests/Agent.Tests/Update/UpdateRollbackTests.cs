using GuruConnect.Agent.Config;
using GuruConnect.Agent.Service;
using GuruConnect.Agent.State;
using GuruConnect.Agent.Tests.Support;
using GuruConnect.Agent.Update;
using Microsoft.Extensions.Hosting.Internal;

namespace GuruConnect.Agent.Tests.Update;

/// <summary>
/// docs/agent.md "Updates": after the swap the new binary is on trial; its first connection commits
/// it, and if none comes within 2 minutes — while it runs, at its next start (a crash loop), or in the
/// unit's ExecStartPre run by the previous binary (a binary that cannot start at all) — the previous
/// binary is put back and the service manager restarts into it (exit 15). The clock is a FakeTimeProvider;
/// the release server is real Kestrel with TLS.
/// </summary>
public sealed class UpdateRollbackTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(2);

    private readonly UpdateMachine machine = new();
    private readonly byte[] next = UpdateMachine.Script("0.2.0");
    private ReleaseServer server = null!;
    private HttpClient http = null!;

    public async ValueTask InitializeAsync()
    {
        UpdateMachine.SkipUnlessUnix();
        server = await ReleaseServer.StartAsync();
        http = server.CreateTrustingClient();
        server.Publish(machine.SigningKey, "0.2.0", next);
    }

    public async ValueTask DisposeAsync()
    {
        http?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        machine.Dispose();
    }

    [Fact]
    public async Task A_new_binary_that_never_connects_is_rolled_back_after_2_minutes()
    {
        await ApplyAsync();
        var process = NewProcess();

        await process.Service.StartAsync(TestContext.Current.CancellationToken);
        machine.Logs.Entries.ShouldContain(e => e.EventId.Id == 5708, "it says it is on trial");

        machine.Time.Advance(Window - TimeSpan.FromSeconds(1));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        machine.Installed.ShouldBe(next, "not yet: the deadline has not passed");

        machine.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually(() => process.Lifetime.ApplicationStopping.IsCancellationRequested);

        process.Exit.Code.ShouldBe(ExitCodes.RestartForUpdate);
        machine.Installed.ShouldBe(machine.OldBinary);
        var state = machine.StateFile.Read().ShouldNotBeNull();
        state.Phase.ShouldBe(UpdatePhases.RolledBack);
        state.Detail.ShouldBe("it did not connect within 120 s");
        var line = machine.Logs.Entries.Single(e => e.EventId.Id == 5707);
        line.Line.ShouldContain("Update to 0.2.0 rolled back: it did not connect within 120 s. 0.1.0 is back at");
        await process.Service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_new_binary_that_connects_is_committed_and_kept()
    {
        await ApplyAsync();
        var process = NewProcess();
        await process.Service.StartAsync(TestContext.Current.CancellationToken);

        await process.AgentState.UpdateAsync(s => s with { ConnectionState = ConnectionStates.Connecting }, TestContext.Current.CancellationToken);
        machine.StateFile.Read()!.Phase.ShouldBe(UpdatePhases.Trial, "connecting is not connected");
        await process.AgentState.UpdateAsync(s => s with { ConnectionState = ConnectionStates.Connected }, TestContext.Current.CancellationToken);
        await Eventually(() => machine.StateFile.Read()?.Phase == UpdatePhases.Committed);

        machine.Time.Advance(Window + TimeSpan.FromMinutes(1));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        machine.Installed.ShouldBe(next);
        File.ReadAllBytes(machine.PreviousPath).ShouldBe(machine.OldBinary, "the previous binary is kept");
        process.Exit.Code.ShouldBe(ExitCodes.Ok);
        machine.Logs.Entries.ShouldContain(e => e.EventId.Id == 5706);
        await process.Service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_new_binary_that_crashes_before_connecting_is_rolled_back_at_the_start_after_the_deadline()
    {
        await ApplyAsync();
        // It started, crashed, and the service manager kept restarting it; this start is past the deadline.
        machine.Time.Advance(Window + TimeSpan.FromSeconds(5));
        var process = NewProcess();

        await process.Service.StartAsync(TestContext.Current.CancellationToken);

        process.Exit.Code.ShouldBe(ExitCodes.RestartForUpdate);
        process.Lifetime.ApplicationStopping.IsCancellationRequested.ShouldBeTrue();
        machine.Installed.ShouldBe(machine.OldBinary);
        machine.StateFile.Read()!.Phase.ShouldBe(UpdatePhases.RolledBack);
    }

    [Fact]
    public async Task A_new_binary_that_cannot_start_at_all_is_rolled_back_by_the_previous_binary_before_the_next_start()
    {
        await ApplyAsync();
        // `update --guard`, the unit's ExecStartPre, runs the previous binary before each start.
        var guard = new UpdateGuard(machine.StateFile, new InstalledBinary(machine.PreviousPath, "linux-x64", null), machine.Time, machine.Logs.For<UpdateGuard>())
        {
            IsGuardOnly = true,
        };

        (await guard.CheckAtStart(TestContext.Current.CancellationToken)).ShouldBe(GuardState.Idle);
        machine.Installed.ShouldBe(next, "within the window the new binary gets its chance");

        machine.Time.Advance(Window);
        (await guard.CheckAtStart(TestContext.Current.CancellationToken)).ShouldBe(GuardState.RolledBack);
        machine.Installed.ShouldBe(machine.OldBinary);
        File.ReadAllBytes(machine.PreviousPath).ShouldBe(machine.OldBinary);

        (await guard.CheckAtStart(TestContext.Current.CancellationToken)).ShouldBe(GuardState.Idle, "once rolled back, nothing more to do");
    }

    [Fact]
    public async Task A_reinstall_over_a_trial_is_left_alone()
    {
        await ApplyAsync();
        var reinstalled = UpdateMachine.Script("0.3.0");
        File.WriteAllBytes(machine.BinaryPath, reinstalled);
        machine.Time.Advance(Window * 2);

        (await machine.CreateGuard().CheckAtStart(TestContext.Current.CancellationToken)).ShouldBe(GuardState.Idle);

        machine.Installed.ShouldBe(reinstalled);
        machine.StateFile.Read()!.Detail.ShouldBe("replaced by another install");
    }

    [Fact]
    public async Task A_rolled_back_version_is_skipped_by_the_daily_check_but_tried_again_on_request()
    {
        await ApplyAsync();
        machine.Time.Advance(Window);
        (await machine.CreateGuard().CheckAtStart(TestContext.Current.CancellationToken)).ShouldBe(GuardState.RolledBack);

        var updater = machine.CreateUpdater(http);
        (await updater.CheckAsync(server.BaseAddress, apply: true, requested: false, TestContext.Current.CancellationToken)).Outcome.ShouldBe(UpdateOutcome.Skipped);
        machine.Installed.ShouldBe(machine.OldBinary);

        (await updater.CheckAsync(server.BaseAddress, apply: true, requested: true, TestContext.Current.CancellationToken)).Outcome.ShouldBe(UpdateOutcome.Applied);
        machine.Installed.ShouldBe(next);
    }

    [Fact]
    public async Task Run_checks_shortly_after_start_and_then_daily_and_restarts_into_an_applied_update()
    {
        server.ManifestJson = null; // nothing published at first
        var process = NewProcess(withConfig: true);
        await process.Service.StartAsync(TestContext.Current.CancellationToken);

        // FixedRandom(0.5): the first check 5 min + 30 min after the start, then every 24 h.
        // ExecuteAsync runs on its own task: move the clock only once it waits on it.
        await WaitingForCheck(process, 1);
        machine.Time.Advance(TimeSpan.FromMinutes(35));
        await Eventually(() => machine.Logs.Entries.Count(e => e.EventId.Id == 5712) == 2, () => $"{process.Service.ExecuteTask?.Exception}\n{machine.Logs.AllText}");
        machine.Installed.ShouldBe(machine.OldBinary);

        server.Publish(machine.SigningKey, "0.2.0", next);
        await WaitingForCheck(process, 2);
        machine.Time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        machine.Installed.ShouldBe(machine.OldBinary, "not before the day is up");

        machine.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually(() => process.Exit.Code == ExitCodes.RestartForUpdate);
        machine.Installed.ShouldBe(next);
        machine.StateFile.Read()!.Phase.ShouldBe(UpdatePhases.Trial);
        await process.Service.StopAsync(CancellationToken.None);
    }

    private async Task ApplyAsync()
    {
        var result = await machine.CreateUpdater(http).CheckAsync(server.BaseAddress, apply: true, requested: false, TestContext.Current.CancellationToken);
        result.Outcome.ShouldBe(UpdateOutcome.Applied, result.Message);
    }

    /// <summary>What <c>run</c> of the binary now installed has: its guard and update service, on the machine's clock.</summary>
    private Process NewProcess(bool withConfig = false)
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(machine.BinaryPath))!;
        var paths = new AgentPaths(Path.Combine(root, "etc", "agent.json"), Path.Combine(root, "state"));
        if (withConfig)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(paths.ConfigPath)!);
            File.WriteAllText(paths.ConfigPath, $$"""{ "server": "{{server.BaseAddress}}", "siteCode": "ACME-PHX" }""");
        }

        var agentState = new AgentStateFile(paths.StateFilePath, machine.Time);
        var exit = new AgentExit();
        var lifetime = new ApplicationLifetime(machine.Logs.For<ApplicationLifetime>());
        var service = new UpdateService(
            machine.CreateUpdater(http),
            machine.CreateGuard(),
            agentState,
            paths,
            new UpdateSettings(),
            exit,
            lifetime,
            machine.Time,
            new FixedRandom(0.5),
            machine.Logs.For<UpdateService>());
        return new Process(service, agentState, exit, lifetime);
    }

    /// <summary>The service logged its n-th "next check": its timer on the clock exists by then (UpdateService).</summary>
    private async Task WaitingForCheck(Process process, int count)
    {
        await Eventually(() => machine.Logs.Entries.Count(e => e.EventId.Id == 5712) >= count, () => $"{process.Service.ExecuteTask?.Exception}\n{machine.Logs.AllText}");
    }

    private static async Task Eventually(Func<bool> condition, Func<string>? explain = null)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        condition().ShouldBeTrue(explain?.Invoke());
    }

    private sealed record Process(UpdateService Service, AgentStateFile AgentState, AgentExit Exit, ApplicationLifetime Lifetime);
}
