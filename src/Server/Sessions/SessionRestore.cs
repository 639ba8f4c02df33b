using System.Data.Common;
using GuruConnect.Server.Machines;
using GuruConnect.Server.Relay;
using GuruConnect.Server.SupportCodes;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Sessions;

/// <summary>
/// On start-up, the sessions of known managed machines reappear from the database as offline until
/// their agents reconnect (docs/protocol.md "Session lifecycle"). A machine counts once its agent has connected
/// (it has a <c>lastSeen</c>) and while that is within the TTL — what the reaper would keep. Support
/// sessions do not come back: their agents were told the session ended, and their codes are marked so.
/// </summary>
internal sealed class SessionRestore(
    SessionRegistry sessions, MachineStore machines, SupportCodeStore supportCodes, IOptions<RelayOptions> options, TimeProvider time,
    ILogger<SessionRestore> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var restored = 0;
            foreach (var machine in await machines.ListLiveAsync(cancellationToken))
            {
                if (machine.LastSeen is { } lastSeen && now - lastSeen <= options.Value.SessionTtl)
                {
                    sessions.Restore(machine.Id, machine.CreatedAt, lastSeen);
                    restored++;
                }
            }

            SessionsLog.Restored(logger, restored);
            await supportCodes.EndOrphanedSessionsAsync(cancellationToken);
        }
        catch (DbException e)
        {
            SessionsLog.RestoreFailed(logger, e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
