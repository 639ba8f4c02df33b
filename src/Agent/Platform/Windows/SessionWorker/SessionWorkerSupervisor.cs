using System.ComponentModel;
using System.Security.Cryptography;
using GuruConnect.Agent.Retry;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// Keeps one session worker running in the session that owns the console (docs/agent.md "Session
/// worker"): creates a fresh pipe with an unguessable name, starts the worker there, accepts only that
/// process, and publishes the connection. Every <see cref="PollInterval"/> it checks the console's
/// session; when it moved (fast user switching, a remote session taking the console, log off) the worker
/// is stopped and a new one started in the new session at once. A worker that crashes, does not connect,
/// breaks the protocol or cannot be started is restarted after a backoff (1 s doubling to 30 s), which
/// resets once a worker has run <see cref="StableAfter"/>.
/// </summary>
internal sealed class SessionWorkerSupervisor(
    IConsoleSessions sessions, IWorkerLauncher launcher, IWorkerPipes pipes, TimeProvider time, ILogger log, Func<double> random) : IWorkerConnections
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>A self-contained .NET start under load (or wine) is slow; a worker that needs longer is restarted.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan InitialDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private readonly Lock gate = new();
    private TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile WorkerConnection? current;

    private enum Outcome
    {
        Stopped,
        SessionSwitched,
        Failed,
    }

    public event Action<string>? ClipboardChanged;

    public WorkerConnection? Current => current;

    public bool WaitForConnection(TimeSpan timeout)
    {
        Task signal;
        lock (gate)
        {
            if (current is { IsOpen: true })
                return true;
            signal = connected.Task;
        }

        return Task.WhenAny(signal, Task.Delay(timeout, time)).GetAwaiter().GetResult() == signal && current is { IsOpen: true };
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(InitialDelay, MaxDelay, random);
        var idleLogged = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (sessions.ActiveConsoleSession() is not { } session)
            {
                if (!idleLogged)
                    WorkerLog.NoConsole(log);
                idleLogged = true;
                if (!await DelayAsync(PollInterval, cancellationToken))
                    return;
                continue;
            }

            idleLogged = false;
            var (outcome, ranFor) = await RunOneAsync(session, cancellationToken);
            if (outcome == Outcome.Stopped)
                return;
            if (outcome == Outcome.SessionSwitched)
            {
                backoff.Reset();
                continue;
            }

            if (ranFor >= StableAfter)
                backoff.Reset();
            var delay = backoff.Next();
            WorkerLog.Ended(log, session, delay.TotalSeconds);
            if (!await DelayAsync(delay, cancellationToken))
                return;
        }
    }

    private async Task<(Outcome, TimeSpan)> RunOneAsync(uint session, CancellationToken cancellationToken)
    {
        var name = PipeName();
        IWorkerPipe pipe;
        try
        {
            // FirstPipeInstance: fails if anyone holds the name already, rather than sharing it.
            pipe = pipes.Create(name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            WorkerLog.LaunchFailed(log, session, ex.Message);
            return (Outcome.Failed, TimeSpan.Zero);
        }

        using var _ = pipe;
        IWorkerProcess process;
        try
        {
            process = launcher.Start(session, name);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            WorkerLog.LaunchFailed(log, session, ex.Message);
            return (Outcome.Failed, TimeSpan.Zero);
        }

        using (process)
        {
            WorkerConnection connection;
            using (var timeout = new CancellationTokenSource(ConnectTimeout, time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    var accept = pipe.AcceptAsync(process.Id, linked.Token);
                    if (await Task.WhenAny(accept, process.Exited) != accept)
                    {
                        await linked.CancelAsync();
                        throw new IOException("the worker exited before it connected");
                    }

                    connection = await WorkerConnection.OpenAsync(await accept, log, linked.Token, Forward);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    process.Kill();
                    return (Outcome.Stopped, TimeSpan.Zero);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or WorkerProtocolException or UnauthorizedAccessException)
                {
                    if (ex is UnauthorizedAccessException)
                        WorkerLog.Intruder(log, process.Id);
                    else
                        WorkerLog.LaunchFailed(log, session, ex is OperationCanceledException ? "it did not connect in time" : ex.Message);
                    process.Kill();
                    return (Outcome.Failed, TimeSpan.Zero);
                }
            }

            var started = time.GetUtcNow();
            Publish(connection);
            WorkerLog.Started(log, process.Id, session);
            // Cancelled when this worker is done, so its last poll does not linger as a pending timer.
            using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                while (true)
                {
                    var tick = Task.Delay(PollInterval, time, watching.Token);
                    var done = await Task.WhenAny(tick, process.Exited, connection.Completion);
                    if (cancellationToken.IsCancellationRequested)
                        return (Outcome.Stopped, time.GetUtcNow() - started);
                    if (done != tick)
                        return (Outcome.Failed, time.GetUtcNow() - started);
                    if (sessions.ActiveConsoleSession() is var now && now != session)
                    {
                        WorkerLog.SessionSwitched(log, session, now ?? uint.MaxValue);
                        return (Outcome.SessionSwitched, time.GetUtcNow() - started);
                    }
                }
            }
            finally
            {
                await watching.CancelAsync();
                Publish(null);
                connection.ClipboardChanged -= Forward;
                connection.Dispose();
                process.Kill();
            }
        }
    }

    private void Publish(WorkerConnection? connection)
    {
        lock (gate)
        {
            current = connection;
            if (connection is not null)
                connected.TrySetResult();
            else if (connected.Task.IsCompleted)
                connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private void Forward(string text) => ClipboardChanged?.Invoke(text);

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // Unguessable, so no other process can connect to or pre-create the pipe of the next worker.
    private static string PipeName() => "guruconnect-worker-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
