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
                if (await HandleAsync(agent, session, frame, cancellationToken))
                {
                    return ConnectionEnd.Disconnected;
                }
            }
            finally
            {
                frame.Release();
            }
        }
    }

    /// <summary>One message from the agent. True when it said goodbye (<c>Disconnect</c>).</summary>
    private async ValueTask<bool> HandleAsync(AgentConnection agent, RelaySession session, OutgoingFrame frame, CancellationToken cancellationToken)
    {
        if (!Frames.TryReadHeader(frame.Span, out var payload, out var viewerId) || payload == Case.None)
        {
            metrics.Dropped(DropReason.Malformed);
            return false;
        }

        if (!Directions.IsAgentToServerOrViewer(payload))
        {
            metrics.Dropped(DropReason.Direction);
            return false;
        }

        switch (payload)
        {
            case Case.AgentStatus:
                await StoreStatusAsync(agent, frame, cancellationToken);
                return false;
            case Case.Ping:
                if (Frames.TryParse(frame.Span, out var ping))
                {
                    agent.Connection.Send(new Envelope { Pong = new Pong { Nonce = ping.Ping.Nonce } });
                }

                return false;
            case Case.Disconnect:
                return true;
            case Case.ClipboardText when frame.Length > ProtocolLimits.MaxClipboardBytes + 64:
                metrics.Dropped(DropReason.TooLarge);
                return false;
            case Case.ChatMessage:
                if (Frames.TryParse(frame.Span, out var chat))
                {
                    RelayLog.Chat(logger, chat.ChatMessage.Text.Length, "agent", session.Id);
                }

                break;
        }

        if (!Directions.IsRelayed(payload))
        {
            // The hello again, a pong: liveness is already recorded, nothing to forward.
            return false;
        }

        FanOut(agent, session, frame, payload, viewerId);
        return false;
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

    private async Task StoreStatusAsync(AgentConnection agent, OutgoingFrame frame, CancellationToken cancellationToken)
    {
        if (agent.IsSupport)
        {
            return; // an attended machine is not part of the fleet: nothing of it is stored
        }

        if (!Frames.TryParse(frame.Span, out var envelope))
        {
            metrics.Dropped(DropReason.Malformed);
            return;
        }

        await inventory.StoreAsync(agent, AgentReports.Inventory(envelope.AgentStatus, agent.Ip), cancellationToken);
    }
}
