using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using GuruConnect.Agent.Service;
using static GuruConnect.Agent.Platform.Windows.ServiceNative;

namespace GuruConnect.Agent.Platform.Windows;

/// <summary>
/// Registers <c>GuruConnectAgent</c>: LocalSystem, automatic start, restart 5 s after a failure
/// (docs/agent.md). Compiled everywhere, exercised only on Windows.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsServiceHost(TimeProvider time) : IServiceHost
{
    public const string ServiceName = "GuruConnectAgent";
    private const string DisplayName = "GuruConnect Agent";
    private const string Description = "Keeps this machine reachable for remote support through the GuruConnect server.";

    public Task<ServiceResult> InstallAsync(IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        Task.FromResult(Install(command));

    private static ServiceResult Install(IReadOnlyList<string> command)
    {
        var binPath = WindowsCommandLine.BuildBinPath(command);
        using var manager = Open(OpenSCManager(null, null, ScManagerAllAccess), "open the service control manager");
        var service = CreateService(manager.Handle, ServiceName, DisplayName, ServiceAllAccess, ServiceWin32OwnProcess, ServiceAutoStart,
            ServiceErrorNormal, binPath, null, 0, null, null, null);
        if (service == 0 && Marshal.GetLastPInvokeError() == ErrorServiceExists)
        {
            // Re-running install (an upgrade moved the binary): point the existing service at it.
            service = OpenService(manager.Handle, ServiceName, ServiceAllAccess);
            using var existing = Open(service, "open the existing service");
            if (!ChangeServiceConfig(existing.Handle, ServiceWin32OwnProcess, ServiceAutoStart, ServiceErrorNormal, binPath, null, 0, null, "LocalSystem", null, DisplayName))
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "Could not update the existing GuruConnectAgent service");
            }

            return Configure(existing.Handle, binPath);
        }

        using var created = Open(service, "create the service");
        return Configure(created.Handle, binPath);
    }

    public async Task<ServiceResult> UninstallAsync(CancellationToken cancellationToken)
    {
        using var manager = Open(OpenSCManager(null, null, ScManagerAllAccess), "open the service control manager");
        var handle = OpenService(manager.Handle, ServiceName, ServiceAllAccess);
        if (handle == 0 && Marshal.GetLastPInvokeError() == ErrorServiceDoesNotExist)
        {
            return new ServiceResult(ExitCodes.Ok, $"{ServiceName} is not installed.");
        }

        using var service = Open(handle, "open the service");
        RequestStop(service.Handle);
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(30); waited += TimeSpan.FromMilliseconds(500))
        {
            if (IsStopped(service.Handle))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken);
        }

        if (!DeleteService(service.Handle))
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "Could not delete GuruConnectAgent");
        }

        return new ServiceResult(ExitCodes.Ok, $"Stopped and removed {ServiceName}. The config and the machine credential are kept; delete them to forget this machine.");
    }

    private static unsafe void RequestStop(nint service)
    {
        ServiceStatus status;
        if (!ControlService(service, ServiceControlStop, &status) && Marshal.GetLastPInvokeError() != ErrorServiceNotActive)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "Could not stop GuruConnectAgent");
        }
    }

    private static unsafe bool IsStopped(nint service)
    {
        ServiceStatus status;
        return QueryServiceStatus(service, &status) && status.CurrentState == ServiceStopped;
    }

    private static unsafe ServiceResult Configure(nint service, string binPath)
    {
        fixed (char* description = Description)
        {
            var info = new ServiceDescription { Description = description };
            Check(ChangeServiceConfig2(service, ServiceConfigDescription, &info), "set the description");
        }

        var (resetSeconds, actions) = ServiceFailurePolicy.Default.ToNative();
        var native = actions.Select(a => new ScAction { Type = a.Type, Delay = a.DelayMilliseconds }).ToArray();
        fixed (ScAction* first = native)
        {
            var failure = new ServiceFailureActions { ResetPeriod = resetSeconds, ActionCount = (uint)native.Length, Actions = first };
            Check(ChangeServiceConfig2(service, ServiceConfigFailureActions, &failure), "set the recovery actions");
        }

        // Also restart when the agent exits with an error code, not only when it crashes.
        var flag = new ServiceFailureActionsFlag { FailureActionsOnNonCrashFailures = 1 };
        Check(ChangeServiceConfig2(service, ServiceConfigFailureActionsFlag, &flag), "enable recovery on error exits");

        if (!StartService(service, 0, 0) && Marshal.GetLastPInvokeError() != ErrorServiceAlreadyRunning)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "The service is installed but did not start; see the agent log under %ProgramData%\\GuruConnect\\credentials\\logs");
        }

        return new ServiceResult(ExitCodes.Ok, $"Installed and started {ServiceName} (LocalSystem, automatic, restarts after 5 s): {binPath}");
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"Could not {what} of GuruConnectAgent");
        }
    }

    private static ScHandle Open(nint handle, string what) =>
        handle != 0 ? new ScHandle(handle) : throw new Win32Exception(Marshal.GetLastPInvokeError(), $"Could not {what}");

    private readonly struct ScHandle(nint handle) : IDisposable
    {
        public nint Handle => handle;

        public void Dispose() => CloseServiceHandle(handle);
    }
}
