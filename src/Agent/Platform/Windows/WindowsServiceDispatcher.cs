using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using static GuruConnect.Agent.Platform.Windows.ServiceNative;

namespace GuruConnect.Agent.Platform.Windows;

/// <summary>
/// Runs the agent under the service control manager: <c>run --service</c> (the binPath that
/// <c>install</c> registers) hands the work to <see cref="TryRun"/>. Static because the SCM
/// calls back through unmanaged function pointers; one service per process.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsServiceDispatcher
{
    private static readonly CancellationTokenSource Stop = new();
    private static Func<CancellationToken, Task<int>>? s_body;
    private static nint s_statusHandle;
    private static int s_exitCode;

    /// <summary>Blocks until the service stops.</summary>
    /// <returns>False when the process was not started by the SCM (for example from a console).</returns>
    public static unsafe bool TryRun(Func<CancellationToken, Task<int>> body, out int exitCode)
    {
        s_body = body;
        exitCode = ExitCodes.Ok;
        fixed (char* name = WindowsServiceHost.ServiceName)
        {
            var table = stackalloc ServiceTableEntry[2];
            table[0] = new ServiceTableEntry { ServiceName = name, ServiceProc = &ServiceMain };
            table[1] = default;
            if (!StartServiceCtrlDispatcher(table))
            {
                var error = Marshal.GetLastPInvokeError();
                return error == ErrorFailedServiceControllerConnect
                    ? false
                    : throw new Win32Exception(error, "Could not connect to the service control manager");
            }
        }

        exitCode = s_exitCode;
        return true;
    }

    // Returning early is allowed: the dispatcher keeps the process until SERVICE_STOPPED is reported.
    [UnmanagedCallersOnly]
    private static unsafe void ServiceMain(uint argumentCount, char** arguments)
    {
        s_statusHandle = RegisterServiceCtrlHandlerEx(WindowsServiceHost.ServiceName, &HandleControl, 0);
        if (s_statusHandle == 0)
        {
            return;
        }

        Report(ServiceStartPending, 0, waitHintMilliseconds: 10_000);
        Report(ServiceRunning, 0);
        _ = Task.Run(RunBodyAsync);
    }

    private static async Task RunBodyAsync()
    {
        int code;
        try
        {
            code = await s_body!(Stop.Token);
        }
        catch (Exception)
        {
            code = ExitCodes.Unexpected;
        }

        s_exitCode = code;
        Report(ServiceStopped, code);
    }

    [UnmanagedCallersOnly]
    private static uint HandleControl(uint control, uint eventType, nint eventData, nint context)
    {
        switch (control)
        {
            case ServiceControlStop or ServiceControlShutdown:
                Report(ServiceStopPending, 0, waitHintMilliseconds: 15_000);
                Stop.Cancel();
                return 0;
            case ServiceControlInterrogate:
                return 0;
            default:
                return ErrorCallNotImplemented;
        }
    }

    private static unsafe void Report(uint state, int exitCode, uint waitHintMilliseconds = 0)
    {
        var status = new ServiceStatus
        {
            ServiceType = ServiceWin32OwnProcess,
            CurrentState = state,
            ControlsAccepted = state == ServiceRunning ? ServiceAcceptStop | ServiceAcceptShutdown : 0,
            // A non-zero agent exit code is reported as a service-specific error, which the
            // recovery actions (FailureActionsOnNonCrashFailures) answer with a restart.
            Win32ExitCode = exitCode == 0 ? 0u : ErrorServiceSpecificError,
            ServiceSpecificExitCode = (uint)exitCode,
            WaitHint = waitHintMilliseconds,
        };
        SetServiceStatus(s_statusHandle, &status);
    }
}
