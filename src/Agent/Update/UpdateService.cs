using GuruConnect.Agent.Config;
using GuruConnect.Agent.Service;
using GuruConnect.Agent.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Update;

/// <summary>
/// The updater inside <c>run</c> (docs/agent.md "Updates"): first the guard (roll back an update whose
/// binary did not connect in time, or watch this binary's trial and commit it on the first connection),
/// then a check shortly after start (jittered) and daily after that. An applied update or a rollback
/// ends <c>run</c> with <see cref="ExitCodes.RestartForUpdate"/>, and the service manager starts the
/// binary now at the installed path.
/// </summary>
internal sealed class UpdateService(
    Updater updater,
    UpdateGuard guard,
    AgentStateFile agentState,
    AgentPaths paths,
    UpdateSettings settings,
    AgentExit exit,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    Random random,
    ILogger<UpdateService> log) : BackgroundService
{
    private readonly TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        GuardState found;
        try
        {
            found = await guard.CheckAtStart(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            UpdateLog.StateWriteFailed(log, ex.Message);
            found = GuardState.Idle;
        }

        if (found == GuardState.RolledBack)
        {
            Restart();
            return;
        }

        if (found == GuardState.OnTrial)
        {
            agentState.Changed += OnAgentStateChanged;
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (guard.Trial is { } trial && !await AwaitCommitAsync(trial, stoppingToken))
            {
                return;
            }

            if (updater.DisabledReason is { } off)
            {
                UpdateLog.UpdatesOff(log, off);
                return;
            }

            var delay = settings.FirstCheckDelay + settings.FirstCheckSpread * random.NextDouble();
            while (true)
            {
                // The timer first, then the line that says so: whoever reads "next check" may move the clock.
                var wait = Task.Delay(delay, time, stoppingToken);
                UpdateLog.NextCheck(log, delay);
                await wait;
                delay = settings.CheckInterval + settings.CheckJitter * (2 * random.NextDouble() - 1);
                Uri server;
                try
                {
                    var config = await new AgentConfigFile(paths.ConfigPath).LoadAsync(stoppingToken);
                    server = config.RequireServer(paths.ConfigPath);
                }
                catch (AgentConfigException ex)
                {
                    UpdateLog.CheckFailed(log, ex.Message, delay);
                    continue;
                }

                var result = await updater.CheckAsync(server, apply: true, requested: false, stoppingToken);
                if (result.Outcome == UpdateOutcome.Applied)
                {
                    Restart();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // run is stopping.
        }
        finally
        {
            agentState.Changed -= OnAgentStateChanged;
        }
    }

    /// <returns>False when the trial ended in a rollback (and a restart is under way).</returns>
    private async Task<bool> AwaitCommitAsync(UpdateState trial, CancellationToken stoppingToken)
    {
        var remaining = trial.Deadline - time.GetUtcNow();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var timer = remaining > TimeSpan.Zero ? Task.Delay(remaining, time, deadline.Token) : Task.CompletedTask;
        if (await Task.WhenAny(connected.Task, timer) == connected.Task)
        {
            await deadline.CancelAsync();
            return guard.Trial is null;
        }

        stoppingToken.ThrowIfCancellationRequested();
        if (await guard.RollBackIfStillOnTrialAsync(stoppingToken))
        {
            Restart();
            return false;
        }

        return true;
    }

    private void OnAgentStateChanged(AgentState state)
    {
        if (state.ConnectionState != ConnectionStates.Connected)
        {
            return;
        }

        agentState.Changed -= OnAgentStateChanged;
        _ = CommitAsync();
    }

    private async Task CommitAsync()
    {
        try
        {
            await guard.CommitAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            UpdateLog.StateWriteFailed(log, ex.Message);
        }
        finally
        {
            connected.TrySetResult();
        }
    }

    private void Restart()
    {
        exit.RequestRestart();
        lifetime.StopApplication();
    }
}
