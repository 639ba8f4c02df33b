using System.ComponentModel;
using System.IO.Pipes;
using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;
using Microsoft.Win32.SafeHandles;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>The session attached to the physical console (WTSGetActiveConsoleSessionId).</summary>
[SupportedOSPlatform("windows")]
internal sealed class WtsConsoleSessions : IConsoleSessions
{
    public uint? ActiveConsoleSession() => WorkerNative.WTSGetActiveConsoleSessionId() is var id && id != WorkerNative.NoSession ? id : null;
}

/// <summary>The agent's own session: a console run (not a service) that was asked to use a worker anyway (docs/agent.md "Session worker").</summary>
internal sealed class OwnSession : IConsoleSessions
{
    public uint? ActiveConsoleSession() => 0;
}

/// <summary>
/// Starts <c>guruconnect-agent session-worker --pipe NAME</c> hidden in a session with CreateProcessAsUser
/// on a copy of the service's own LocalSystem token whose TokenSessionId is that session (SeTcbPrivilege,
/// which LocalSystem holds), on <c>winsta0\default</c>. A SYSTEM worker, not one on the user's token
/// (WTSQueryUserToken): only it can open a pipe that admits SYSTEM alone, and only it can follow the
/// console onto the Winlogon desktop (UAC prompts, the lock and logon screens), which no user token may open.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe class SessionTokenLauncher(string executable) : IWorkerLauncher
{
    public IWorkerProcess Start(uint sessionId, string pipeName)
    {
        if (!WorkerNative.OpenProcessToken(WorkerNative.GetCurrentProcess(), WorkerNative.TokenDuplicate | WorkerNative.TokenQuery, out var own))
            throw new Win32Exception();
        nint token;
        try
        {
            if (!WorkerNative.DuplicateTokenEx(own, WorkerNative.MaximumAllowed, 0, WorkerNative.SecurityImpersonation, WorkerNative.TokenPrimary, out token))
                throw new Win32Exception();
        }
        finally
        {
            WorkerNative.CloseHandle(own);
        }

        try
        {
            if (!WorkerNative.SetTokenInformation(token, WorkerNative.TokenSessionId, &sessionId, sizeof(uint)))
                throw new Win32Exception();
            return Create(token, executable, pipeName);
        }
        finally
        {
            WorkerNative.CloseHandle(token);
        }
    }

    /// <summary>CreateProcessAsUser with <paramref name="token"/> (0: the caller's own, as CreateProcess).</summary>
    public static WindowsWorkerProcess Create(nint token, string executable, string pipeName)
    {
        var commandLine = $"\"{executable}\" {SessionWorkerCommand.Name} {SessionWorkerCommand.PipeOption} {pipeName}\0".ToCharArray();
        var directory = Path.GetDirectoryName(executable) + "\0";
        var application = executable + "\0";
        fixed (char* desktop = "winsta0\\default\0", app = application, line = commandLine, cwd = directory)
        {
            var startup = new WorkerNative.StartupInfo
            {
                Cb = sizeof(WorkerNative.StartupInfo),
                Desktop = desktop,
                Flags = WorkerNative.StartfUseShowWindow,
                ShowWindow = WorkerNative.SwHide,
            };
            WorkerNative.ProcessInformation info;
            var ok = token == 0
                ? WorkerNative.CreateProcess(app, line, 0, 0, false, WorkerNative.CreateNoWindow, 0, cwd, &startup, &info)
                : WorkerNative.CreateProcessAsUser(token, app, line, 0, 0, false, WorkerNative.CreateNoWindow, 0, cwd, &startup, &info);
            if (!ok)
                throw new Win32Exception();
            WorkerNative.CloseHandle(info.Thread);
            return new WindowsWorkerProcess(info.Process, info.ProcessId);
        }
    }
}

/// <summary>Starts the worker in the agent's own session with CreateProcess (a console run, and wine).</summary>
[SupportedOSPlatform("windows")]
internal sealed class SameSessionLauncher(string executable) : IWorkerLauncher
{
    public IWorkerProcess Start(uint sessionId, string pipeName) => SessionTokenLauncher.Create(0, executable, pipeName);
}

/// <summary>A worker process by its handle: waited on without a thread, terminated on <see cref="Kill"/>.</summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsWorkerProcess : IWorkerProcess
{
    private readonly nint handle;
    private readonly ProcessWait wait;
    private readonly RegisteredWaitHandle registration;
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int disposed;

    public WindowsWorkerProcess(nint handle, int id)
    {
        this.handle = handle;
        Id = id;
        wait = new ProcessWait(handle);
        registration = ThreadPool.RegisterWaitForSingleObject(wait, (state, _) => ((TaskCompletionSource)state!).TrySetResult(), exited, Timeout.Infinite, executeOnlyOnce: true);
    }

    public int Id { get; }

    public Task Exited => exited.Task;

    public void Kill()
    {
        if (Volatile.Read(ref disposed) == 0 && !exited.Task.IsCompleted)
            _ = WorkerNative.TerminateProcess(handle, 1);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        registration.Unregister(null);
        wait.Dispose();
        WorkerNative.CloseHandle(handle);
    }

    private sealed class ProcessWait : WaitHandle
    {
        public ProcessWait(nint handle) => SafeWaitHandle = new SafeWaitHandle(handle, ownsHandle: false);
    }
}

/// <summary>
/// The worker's pipe: created before the worker starts (first instance, so nobody can squat the name),
/// with a DACL that admits only the account the agent runs as — LocalSystem for the service — and only
/// the process the agent started (GetNamedPipeClientProcessId); anyone else is refused.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class SystemWorkerPipes : IWorkerPipes
{
    public IWorkerPipe Create(string name)
    {
        using var identity = WindowsIdentity.GetCurrent();
        var security = new PipeSecurity();
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        security.AddAccessRule(new PipeAccessRule(identity.User!, PipeAccessRights.FullControl, AccessControlType.Allow));
        var server = NamedPipeServerStreamAcl.Create(
            name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous | PipeOptions.FirstPipeInstance, 0, 0, security);
        return new Pipe(server);
    }

    private sealed class Pipe(NamedPipeServerStream server) : IWorkerPipe
    {
        public async Task<Stream> AcceptAsync(int processId, CancellationToken cancellationToken)
        {
            await server.WaitForConnectionAsync(cancellationToken);
            if (!WorkerNative.GetNamedPipeClientProcessId(server.SafePipeHandle.DangerousGetHandle(), out var client) || client != (uint)processId)
                throw new UnauthorizedAccessException($"pipe client {client} is not worker {processId}");
            return server;
        }

        public void Dispose() => server.Dispose();
    }
}
