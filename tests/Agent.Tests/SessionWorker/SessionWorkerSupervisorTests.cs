using GuruConnect.Agent.Platform.Windows.SessionWorker;
using GuruConnect.Agent.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace GuruConnect.Agent.Tests.SessionWorker;

/// <summary>
/// The supervisor that keeps a session worker in the console's session (docs/agent.md "Session worker"),
/// on a hand-moved clock: a session switch restarts the worker in the new session at once; a crash, a
/// refused launch, a worker that never connects or an intruder on the pipe back off 1 s, 2 s, … and the
/// backoff resets after a worker ran stably.
/// </summary>
public sealed class SessionWorkerSupervisorTests : IAsyncDisposable
{
    private readonly InProcessWorkers workers = new();
    private readonly ManualTimeProvider clock = new();
    private readonly CancellationTokenSource stop = new();
    private readonly SessionWorkerSupervisor supervisor;
    private Task run = Task.CompletedTask;

    public SessionWorkerSupervisorTests()
    {
        // random 1.0: each delay is the full ceiling (1 s, 2 s, 4 s…), so the test can name it.
        supervisor = new SessionWorkerSupervisor(workers, workers, workers, clock, NullLogger.Instance, () => 1.0);
    }

    [Fact]
    public async Task The_worker_runs_in_the_console_session_and_serves_captures()
    {
        Start();
        await ConnectedAsync(1);
        workers.Started.Single().Session.ShouldBe(1u);

        using var screen = new PipeStreamingPlatform(supervisor, NullLogger.Instance).OpenScreen();
        workers.Started[0].Process.Screen.Noise(3);
        var frame = screen.Capture(1);
        frame.Pixels.SequenceEqual(workers.Started[0].Process.Screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public async Task A_session_switch_restarts_the_worker_in_the_new_session_at_once()
    {
        Start();
        await ConnectedAsync(1);
        using var screen = new PipeStreamingPlatform(supervisor, NullLogger.Instance).OpenScreen();
        screen.Capture(1).IsEmpty.ShouldBeFalse();

        workers.Active = 2;
        await AdvanceWhenDueAsync(SessionWorkerSupervisor.PollInterval);
        await ConnectedAsync(2);

        workers.Started.Select(s => s.Session).ShouldBe([1u, 2u]);
        workers.Started[0].Process.Killed.ShouldBeTrue();
        workers.Started[1].Process.Screen.Noise(9);
        var frame = screen.Capture(1);
        frame.DamageKnown.ShouldBeFalse("a new worker's first frame is whole");
        frame.Pixels.SequenceEqual(workers.Started[1].Process.Screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public async Task A_crashed_worker_is_restarted_after_a_growing_backoff_that_resets_once_stable()
    {
        Start();
        await ConnectedAsync(1);

        await CrashAsync(0);
        await AdvanceWhenDueAsync(TimeSpan.FromSeconds(1));
        await ConnectedAsync(2);

        await CrashAsync(1);
        await AdvanceWhenDueAsync(TimeSpan.FromSeconds(2));
        await ConnectedAsync(3);

        // Thirty seconds of a healthy worker: the next crash starts from 1 s again.
        for (var i = 0; i < 30; i++)
            await AdvanceWhenDueAsync(SessionWorkerSupervisor.PollInterval);
        await CrashAsync(2);
        await AdvanceWhenDueAsync(TimeSpan.FromSeconds(1));
        await ConnectedAsync(4);
        workers.Started.Select(s => s.Session).ShouldAllBe(s => s == 1u);
    }

    [Fact]
    public async Task A_refused_launch_backs_off_and_then_starts()
    {
        workers.RefuseLaunch = true;
        Start();
        await AdvanceWhenDueAsync(TimeSpan.FromSeconds(1));
        await AdvanceWhenDueAsync(TimeSpan.FromSeconds(2));
        await DueAsync(TimeSpan.FromSeconds(4));
        workers.Started.ShouldBeEmpty();
        supervisor.Current.ShouldBeNull();

        workers.RefuseLaunch = false;
        clock.Advance(TimeSpan.FromSeconds(4));
        await ConnectedAsync(1);
    }

    [Fact]
    public async Task A_pipe_name_already_taken_backs_off_without_starting_a_worker()
    {
        workers.NameTaken = true;
        Start();
        await AdvanceWhenDueAsync(TimeSpan.FromSeconds(1));
        await DueAsync(TimeSpan.FromSeconds(2));
        workers.Started.ShouldBeEmpty();
        run.IsCompleted.ShouldBeFalse("the supervisor keeps going");

        workers.NameTaken = false;
        clock.Advance(TimeSpan.FromSeconds(2));
        await ConnectedAsync(1);
    }

    [Fact]
    public async Task A_worker_that_never_connects_is_killed_and_replaced()
    {
        workers.NeverConnect = true;
        Start();
        await Eventually.TrueAsync(() => workers.Started.Count == 1, "the first launch");
        await AdvanceWhenDueAsync(SessionWorkerSupervisor.ConnectTimeout);
        await DueAsync(TimeSpan.FromSeconds(1));
        workers.Started[0].Process.Killed.ShouldBeTrue();

        workers.NeverConnect = false;
        clock.Advance(TimeSpan.FromSeconds(1));
        await ConnectedAsync(2);
    }

    [Fact]
    public async Task A_pipe_claimed_by_another_process_is_never_used()
    {
        workers.Intruder = true;
        Start();
        await Eventually.TrueAsync(() => workers.Started.Count == 1, "the first launch");
        await DueAsync(TimeSpan.FromSeconds(1));
        supervisor.Current.ShouldBeNull();
        workers.Started[0].Process.Killed.ShouldBeTrue();
    }

    [Fact]
    public async Task Without_a_console_session_it_waits_and_starts_when_one_attaches()
    {
        workers.Active = null;
        Start();

        await AdvanceWhenDueAsync(SessionWorkerSupervisor.PollInterval);
        await DueAsync(SessionWorkerSupervisor.PollInterval);
        workers.Started.ShouldBeEmpty();

        workers.Active = 7;
        clock.Advance(SessionWorkerSupervisor.PollInterval);
        await ConnectedAsync(1);
        workers.Started.Single().Session.ShouldBe(7u);
    }

    [Fact]
    public async Task Stopping_kills_the_worker()
    {
        Start();
        await ConnectedAsync(1);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        workers.Started[0].Process.Killed.ShouldBeTrue();
        supervisor.Current.ShouldBeNull();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private void Start() => run = supervisor.RunAsync(stop.Token);

    // The n-th worker is connected (and the supervisor is back to polling the session).
    private async Task ConnectedAsync(int count)
    {
        await Eventually.TrueAsync(() => workers.Started.Count == count && supervisor.Current is { IsOpen: true }, $"worker {count} to connect");
        await DueAsync(SessionWorkerSupervisor.PollInterval);
    }

    // Crashes the n-th worker and waits until the supervisor has noticed: until then its 1 s poll is the
    // next timer, and advancing the clock for the backoff would fire the poll instead (a race under load).
    private async Task CrashAsync(int index)
    {
        workers.Started[index].Process.Crash();
        await Eventually.TrueAsync(() => supervisor.Current is null, $"the supervisor to notice worker {index + 1} crashed");
    }

    private Task DueAsync(TimeSpan delay) =>
        Eventually.TrueAsync(() => clock.NextDue() == delay, $"the supervisor to wait {delay.TotalSeconds} s");

    private async Task AdvanceWhenDueAsync(TimeSpan delay)
    {
        await DueAsync(delay);
        clock.Advance(delay);
    }
}
