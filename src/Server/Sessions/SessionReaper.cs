using GuruConnect.Server.Relay;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Sessions;

/// <summary>
/// Removes persistent sessions that are offline, have no viewers and were last active longer ago than
/// <see cref="RelayOptions.SessionTtl"/> (docs/protocol.md "Reaper"). The test is made once to pick candidates and
/// again under the session lock that removes, so an agent reconnecting at that moment is never reaped.
/// </summary>
internal sealed class SessionReaper(SessionRegistry sessions, IOptions<RelayOptions> options, TimeProvider time, ILogger<SessionReaper> logger)
{
    /// <summary>
    /// Test seam: runs between picking a candidate and the locked re-check, so a test can reconnect the
    /// agent in exactly that window. Null in production.
    /// </summary>
    internal Func<RelaySession, Task>? BeforeRemove { get; set; }

    /// <summary>One pass; returns the ids of the sessions removed.</summary>
    public async Task<IReadOnlyList<Guid>> SweepAsync()
    {
        var ttl = options.Value.SessionTtl;
        var reaped = new List<Guid>();
        foreach (var session in sessions.All)
        {
            if (!session.IsExpired(time.GetUtcNow(), ttl))
            {
                continue;
            }

            if (BeforeRemove is { } hook)
            {
                await hook(session);
            }

            if (sessions.TryRemove(session, s => s.IsExpired(time.GetUtcNow(), ttl), out _, out _))
            {
                SessionsLog.Reaped(logger, session.Id, session.LastActiveAt);
                reaped.Add(session.Id);
            }
        }

        return reaped;
    }
}
