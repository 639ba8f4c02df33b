using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;
using GuruConnect.Server.Sessions;
using Case = GuruConnect.Protocol.V1.Envelope.PayloadOneofCase;

namespace GuruConnect.Server.Relay;

internal sealed partial class AgentPlane
{
    /// <summary>
    /// Agent → server and agent → viewers. A relayed message is forwarded as the very bytes that passed
    /// <see cref="Frames.TryReadHeader"/> (strict: what the relay classified is what the viewer acts on),
    /// in the reader's pooled buffer shared by every viewer's queue — no copy per viewer.
    /// </summary>
    private async Task<ConnectionEnd> RelayAsync(AgentConnection agent, RelaySession session, CancellationToken cancellationToken)
    {
        var connection = agent.Connection;
        while (true)
        {
            var read = await reader.ReadAsync(connection.Socket, cancellationToken);
            if (connection.EndOf(read) is { } end)
            {
                return end;
            }

            connection.MarkReceived();
            var frame = OutgoingFrame.Own(read.Buffer!, read.Length);
            try
            {
                if (await HandleAsync(agent, session, frame, cancellationToken) is { } ended)
                {
                    return ended;
                }
            }
            finally
            {
                frame.Release();
            }
        }
    }

    /// <summary>One message from the agent. Non-null ends the connection: goodbye (<c>Disconnect</c>) or a malformed message.</summary>
    private async ValueTask<ConnectionEnd?> HandleAsync(AgentConnection agent, RelaySession session, OutgoingFrame frame, CancellationToken cancellationToken)
    {
        if (!Frames.TryReadHeader(frame.Span, out var payload, out var viewerId) || payload == Case.None)
        {
            return Malformed(session, frame.Length);
        }

        if (!Directions.IsAgentToServerOrViewer(payload))
        {
            metrics.Dropped(DropReason.Direction);
            return null;
        }

        switch (payload)
        {
            case Case.AgentStatus:
                return await StoreStatusAsync(agent, frame, cancellationToken) ? null : Malformed(session, frame.Length);
            case Case.Ping:
                if (!Frames.TryParse(frame.Span, out var ping))
                {
                    return Malformed(session, frame.Length);
                }

                agent.Connection.Send(new Envelope { Pong = new Pong { Nonce = ping.Ping.Nonce } });
                return null;
            case Case.Disconnect:
                return ConnectionEnd.Disconnected;
            case Case.ClipboardText when frame.Length > ProtocolLimits.MaxClipboardBytes + 64:
                metrics.Dropped(DropReason.TooLarge);
                return null;
            case Case.ChatMessage:
                if (!Frames.TryParse(frame.Span, out var chat))
                {
                    return Malformed(session, frame.Length);
                }

                RelayLog.Chat(logger, chat.ChatMessage.Text.Length, "agent", session.Id);
                break;
        }

        if (!Directions.IsRelayed(payload))
        {
            // The hello again, a pong: liveness is already recorded, nothing to forward.
            return null;
        }

        FanOut(agent, session, frame, payload, viewerId);
        return null;
    }

    /// <summary>Counted, logged once without the payload, and the socket closed with 1007 (docs/security.md, input bounds).</summary>
    private ConnectionEnd Malformed(RelaySession session, int length)
    {
        metrics.Dropped(DropReason.Malformed);
        RelayLog.Malformed(logger, "agent", session.Id, length);
        return ConnectionEnd.Malformed;
    }

    /// <summary>
    /// To every viewer (empty <c>viewer_id</c>) or the one named. A full queue drops video frames and
    /// cursor moves only; the viewer is then owed a keyframe, requested as soon as its queue takes a frame again.
    /// </summary>
    private void FanOut(AgentConnection agent, RelaySession session, OutgoingFrame frame, Case payload, string viewerId)
    {
        var droppable = payload is Case.VideoFrame or Case.CursorPosition;
        foreach (var viewer in session.Viewers)
        {
            if (viewerId.Length != 0 && viewer.ViewerId != viewerId)
            {
                continue;
            }

            switch (viewer.Connection.Send(frame, droppable))
            {
                case EnqueueResult.Queued:
                    metrics.RelayedToViewer(frame.Length);
                    if (payload == Case.VideoFrame && viewer.NeedsKeyframe)
                    {
                        viewer.NeedsKeyframe = false;
                        agent.Connection.Send(new Envelope { ViewerId = viewer.ViewerId, KeyframeRequest = new KeyframeRequest() });
                    }

                    break;
                case EnqueueResult.Dropped:
                    metrics.Dropped(DropReason.QueueFull);
                    viewer.NeedsKeyframe |= payload == Case.VideoFrame;
                    break;
            }
        }
    }

    /// <summary>False when the status is not a valid envelope.</summary>
    private async Task<bool> StoreStatusAsync(AgentConnection agent, OutgoingFrame frame, CancellationToken cancellationToken)
    {
        if (!Frames.TryParse(frame.Span, out var envelope))
        {
            return false;
        }

        if (agent.IsSupport)
        {
            return true; // an attended machine is not part of the fleet: nothing of it is stored
        }

        await inventory.StoreAsync(agent, AgentReports.Inventory(envelope.AgentStatus, agent.Ip, time.GetUtcNow()), cancellationToken);
        return true;
    }
}
