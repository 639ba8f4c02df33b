using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Server.Sessions;

namespace GuruConnect.Server.Relay;

/// <summary>
/// Liveness for every relay socket, in one pass instead of a timer per connection (10 000 idle agents
/// cost one walk per second): the 10 s hello deadline, a <c>Ping</c> every 20 s, and closing after 60 s
/// of silence (docs/protocol.md "Heartbeat"). Deadlines are read from the injected clock, so tests move them.
/// </summary>
internal sealed class Heartbeats(ConnectionTracker connections, TimeProvider time)
{
    public void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var connection in connections.All)
        {
            if (connection.IsClosing)
            {
                continue;
            }

            if (connection.AwaitingHello && now - connection.ConnectedAt > ProtocolLimits.HelloTimeout)
            {
                connection.Close(WebSocketCloseStatus.PolicyViolation, CloseReasons.HelloTimeout, SessionNotices.Disconnect(CloseReasons.HelloTimeout));
            }
            else if (now - connection.LastReceivedAt > ProtocolLimits.SilenceTimeout)
            {
                connection.Close(WebSocketCloseStatus.EndpointUnavailable, CloseReasons.Silence, SessionNotices.Disconnect(CloseReasons.Silence));
            }
            else
            {
                connection.PingIfDue(now, ProtocolLimits.HeartbeatInterval);
            }
        }
    }
}
