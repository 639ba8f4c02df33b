using GuruConnect.Server.Sessions;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Relay;

/// <summary>
/// The relay's one periodic loop (every <see cref="RelayOptions.MaintenanceInterval"/>, real time):
/// heartbeats and deadlines, <c>lastSeen</c> and coalesced inventory writes, and every <see cref="RelayOptions.ReaperInterval"/>
/// (by the injected clock) the reaper and the pruning of spent viewer tokens. Tests call
/// <see cref="RunOnceAsync"/> after moving the clock.
/// </summary>
internal sealed class RelayMaintenance(
    Heartbeats heartbeats,
    LastSeenWriter lastSeen,
    InventoryWriter inventory,
    SessionReaper reaper,
    ViewerTokenUses tokenUses,
    IOptions<RelayOptions> options,
    TimeProvider time,
    ILogger<RelayMaintenance> logger) : BackgroundService
{
    // One pass at a time, whether from the timer or a test (lastSeen's once-per-interval rests on it).
    private readonly SemaphoreSlim pass = new(1, 1);
    private DateTimeOffset lastReap = DateTimeOffset.MinValue;

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await pass.WaitAsync(cancellationToken);
        try
        {
            heartbeats.Sweep();
            await lastSeen.FlushAsync(cancellationToken);
            await inventory.FlushAsync(cancellationToken);
            var now = time.GetUtcNow();
            if (now - lastReap >= options.Value.ReaperInterval)
            {
                lastReap = now;
                await reaper.SweepAsync();
                await tokenUses.PruneAsync(cancellationToken);
            }
        }
        finally
        {
            pass.Release();
        }
    }

    public override void Dispose()
    {
        pass.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MaintenanceInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A failed pass (the database away, say) must not end the loop: the next one retries.
                    RelayLog.MaintenanceFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping is not an error.
        }
    }
}
