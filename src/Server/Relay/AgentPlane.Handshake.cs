using System.Data.Common;
using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Sessions;

namespace GuruConnect.Server.Relay;

internal sealed partial class AgentPlane
{
    /// <summary>
    /// Waits for <c>AgentHello</c>; anything before it is ignored. The 10 s deadline is the heartbeat
    /// sweep's (<see cref="RelayConnection.AwaitingHello"/>), which closes the socket and ends this read.
    /// </summary>
    private async Task<(AgentHello? Hello, ConnectionEnd End)> ReadHelloAsync(RelayConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await reader.ReadAsync(connection.Socket, cancellationToken);
            switch (read.Status)
            {
                case WebSocketReadStatus.TooLarge:
                    return (null, ConnectionEnd.TooLarge);
                case WebSocketReadStatus.NotBinary:
                    return (null, ConnectionEnd.NotBinary);
                case WebSocketReadStatus.Closed:
                    return (null, connection.IsClosing ? ConnectionEnd.ClosedByServer : ConnectionEnd.PeerClosed);
            }

            try
            {
                connection.MarkReceived();
                if (Frames.TryReadHeader(read.Span, out var payload, out _) && payload == Envelope.PayloadOneofCase.AgentHello &&
                    Frames.TryParse(read.Span, out var envelope))
                {
                    return (envelope.AgentHello, ConnectionEnd.PeerClosed);
                }
            }
            finally
            {
                reader.Return(read);
            }
        }
    }

    /// <summary>
    /// The machine this socket is. With a <c>cak_</c> it is the key's machine, whatever the hello claims
    /// (docs/security.md §8: a claimed uid never re-points another machine's row or session). With the shared
    /// bootstrap key it is resolved from the hello's uid, and a key is minted if the machine has none.
    /// Null when the socket was closed instead.
    /// </summary>
    private async Task<AgentIdentity?> IdentifyAsync(RelayConnection connection, AgentAdmission admission, AgentHello hello, string ip, CancellationToken cancellationToken)
    {
        var hostname = AgentReports.Hostname(hello);
        try
        {
            AgentIdentity identity;
            if (admission.Kind == AgentAdmissionKind.SupportCode)
            {
                // An attended machine is not part of the fleet: no row, no key, nothing stored about it.
                var now = time.GetUtcNow();
                return new AgentIdentity(new AgentConnection(connection, admission.SupportSessionId, null, ip, now) { IsSupport = true }, now, null);
            }

            if (admission.Kind == AgentAdmissionKind.MachineKey)
            {
                var key = admission.Key!;
                var machine = await machines.GetAsync(key.MachineId, cancellationToken);
                if (machine is null || machine.IsRemoved)
                {
                    return Refuse(connection, ip, CloseReasons.Removed);
                }

                if (AgentReports.MachineUid(hello) is { } claimed && !string.Equals(claimed, machine.MachineUid, StringComparison.Ordinal))
                {
                    RelayLog.HelloUidMismatch(logger, machine.Id, claimed);
                }

                identity = new AgentIdentity(new AgentConnection(connection, machine.Id, key.KeyId, ip, time.GetUtcNow()), machine.CreatedAt, null);
            }
            else
            {
                if (AgentReports.MachineUid(hello) is not { } uid)
                {
                    return Refuse(connection, ip, CloseReasons.BadHello);
                }

                var resolved = await bootstrap.ResolveAsync(uid, hostname, cancellationToken);
                if (resolved.Refusal is { } refusal)
                {
                    return Refuse(connection, ip, refusal);
                }

                if (resolved.Key is { } issued)
                {
                    RelayLog.KeyProvisioned(logger, resolved.MachineId, resolved.Created);
                    await audit.WriteAsync(new AuditEntry(AuditEventTypes.MachineKeyProvisioned, MachineId: resolved.MachineId, Ip: ip,
                        Details: new Dictionary<string, object?> { ["keyId"] = issued.KeyId, ["machineUid"] = uid, ["hostname"] = hostname, ["created"] = resolved.Created }),
                        cancellationToken);
                }

                var agent = new AgentConnection(connection, resolved.MachineId, null, ip, time.GetUtcNow()) { ProvisionedKeyId = resolved.Key?.KeyId };
                identity = new AgentIdentity(agent, resolved.CreatedAt, resolved.Key?.Key);
            }

            await machines.UpdateHelloAsync(identity.Agent.MachineId, hostname, AgentReports.AgentVersion(hello), AgentReports.UidScope(hello), cancellationToken);
            return identity;
        }
        catch (DbException e)
        {
            RelayLog.AgentHandshakeFailed(logger, ip, e.GetType().Name);
            connection.Close(WebSocketCloseStatus.InternalServerError, CloseReasons.ServerError, SessionNotices.Disconnect(CloseReasons.ServerError));
            return null;
        }
    }

    private AgentIdentity? Refuse(RelayConnection connection, string ip, string reason)
    {
        RelayLog.AgentHandshakeFailed(logger, ip, reason);
        connection.Close(WebSocketCloseStatus.PolicyViolation, reason, SessionNotices.Disconnect(reason));
        return null;
    }
}
