using System.Data.Common;
using GuruConnect.Server.Machines;
using GuruConnect.Server.Sessions;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Relay;

/// <summary>
/// <c>lastSeen</c> write coalescing (docs/protocol.md: at most once per 30 s per machine): each pass collects the
/// online machines heard from since their last write whose interval has passed, and writes them in one batch.
/// </summary>
internal sealed class LastSeenWriter(SessionRegistry sessions, MachineStore machines, IOptions<RelayOptions> options, TimeProvider time, ILogger<LastSeenWriter> logger)
{
    private const int BatchSize = 500;

    /// <summary>The machines written by the last pass (tests look at it).</summary>
    public async Task<IReadOnlyList<Guid>> FlushAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var interval = options.Value.LastSeenInterval;
        var due = new List<Guid>();
        foreach (var session in sessions.All)
        {
            if (session.Agent is { IsSupport: false } agent && agent.Connection.LastReceivedAt > agent.LastSeenWrittenAt && now - agent.LastSeenWrittenAt >= interval)
            {
                agent.LastSeenWrittenAt = now;
                due.Add(agent.MachineId);
            }
        }

        foreach (var batch in due.Chunk(BatchSize))
        {
            try
            {
                await machines.TouchLastSeenAsync(batch, now, cancellationToken);
            }
            catch (DbException e)
            {
                RelayLog.LastSeenFailed(logger, batch.Length, e);
            }
        }

        return due;
    }
}
