using System.IO.Pipes;
using GuruConnect.Agent.Platform.Windows.SessionWorker;
using GuruConnect.Agent.Tests.Streaming;

namespace GuruConnect.Agent.Tests.SessionWorker;

/// <summary>
/// The OS seams of the supervisor: "processes" are tasks that run the real <see cref="WorkerServer"/>
/// over a real named pipe, so a test can start, crash and count them; sessions are set by hand.
/// </summary>
internal sealed class InProcessWorkers : IWorkerLauncher, IWorkerPipes, IConsoleSessions
{
    private readonly Lock gate = new();
    private readonly List<(uint Session, Worker Process)> started = [];
    private int nextId = 100;

    public uint? Active { get; set; } = 1;

    /// <summary>The launch is refused (CreateProcessAsUser failing).</summary>
    public bool RefuseLaunch { get; set; }

    /// <summary>The worker starts but never connects.</summary>
    public bool NeverConnect { get; set; }

    /// <summary>The pipe cannot be created (its name is taken: FirstPipeInstance).</summary>
    public bool NameTaken { get; set; }

    /// <summary>Another process claims each pipe before the worker does.</summary>
    public bool Intruder { get; set; }

    public IReadOnlyList<(uint Session, Worker Process)> Started
    {
        get
        {
            lock (gate)
                return [.. started];
        }
    }

    public uint? ActiveConsoleSession() => Active;

    public IWorkerProcess Start(uint sessionId, string pipeName)
    {
        if (RefuseLaunch)
            throw new InvalidOperationException("CreateProcessAsUser: access denied");
        var worker = new Worker(Interlocked.Increment(ref nextId), pipeName, NeverConnect);
        lock (gate)
            started.Add((sessionId, worker));
        return worker;
    }

    public IWorkerPipe Create(string name) => NameTaken ? throw new IOException("All pipe instances are busy.") : new Pipe(name, this);

    internal sealed class Worker : IWorkerProcess
    {
        private readonly NamedPipeClientStream client;
        private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Worker(int id, string pipeName, bool neverConnect)
        {
            Id = id;
            client = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, PipeOptions.Asynchronous);
            if (!neverConnect)
                _ = Task.Run(RunAsync);
        }

        public int Id { get; }

        public FakeScreen Screen { get; } = new(64, 64);

        public bool Killed { get; private set; }

        public Task Exited => exited.Task;

        /// <summary>The process dies (a crash), as far as the supervisor can see.</summary>
        public void Crash()
        {
            client.Dispose();
            exited.TrySetResult();
        }

        public void Kill()
        {
            Killed = true;
            Crash();
        }

        public void Dispose() => client.Dispose();

        private async Task RunAsync()
        {
            try
            {
                await client.ConnectAsync();
                await Task.Run(() => new WorkerServer(client, Screen, new RecordingInjector(), null).Run());
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or WorkerProtocolException)
            {
            }
            finally
            {
                exited.TrySetResult();
            }
        }
    }

    private sealed class Pipe(string name, InProcessWorkers owner) : IWorkerPipe
    {
        private readonly NamedPipeServerStream server = new(name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);

        public async Task<Stream> AcceptAsync(int processId, CancellationToken cancellationToken)
        {
            await server.WaitForConnectionAsync(cancellationToken);
            if (owner.Intruder)
                throw new UnauthorizedAccessException("the pipe's client is not the worker");
            return server;
        }

        public void Dispose() => server.Dispose();
    }
}
