using System.Globalization;
using GuruConnect.Agent.Service;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Platform.Linux;

/// <summary>
/// <c>WATCHDOG=1</c> at half the unit's <c>WatchdogSec</c> (systemd passes it as <c>WATCHDOG_USEC</c>),
/// which Microsoft.Extensions.Hosting.Systemd does not send itself. A hung agent (a dead thread pool)
/// stops pinging and systemd restarts it.
/// </summary>
internal sealed class SystemdWatchdog(ISystemdNotifier notifier, TimeProvider time, ILogger<SystemdWatchdog> log) : BackgroundService
{
    private static readonly ServiceState Ping = new("WATCHDOG=1");

    public static TimeSpan? Interval(string? watchdogMicroseconds) =>
        long.TryParse(watchdogMicroseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec / 2.0)
            : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled || Interval(Environment.GetEnvironmentVariable("WATCHDOG_USEC")) is not { } interval)
        {
            return;
        }

        ServiceLog.WatchdogEnabled(log, interval.TotalSeconds);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                notifier.Notify(Ping);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: systemd expects no more pings after STOPPING=1.
        }
    }
}
