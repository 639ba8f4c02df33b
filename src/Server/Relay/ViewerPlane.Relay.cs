using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;
using GuruConnect.Server.Sessions;
using Case = GuruConnect.Protocol.V1.Envelope.PayloadOneofCase;

namespace GuruConnect.Server.Relay;

internal sealed partial class ViewerPlane
{
    /// <summary>Viewer → server and viewer → agent, one message at a time from the pooled 64 KiB reader.</summary>
    private async Task<ConnectionEnd> RelayAsync(ViewerConnection viewer, RelaySession session, CancellationToken cancellationToken)
    {
        var connection = viewer.Connection;
        while (true)
        {
            var read = await reader.ReadAsync(connection.Socket, cancellationToken);
            if (connection.EndOf(read) is { } end)
            {
                return end;
            }

            connection.MarkReceived();
            try
            {
                if (Handle(viewer, session, read.Span) is { } ended)
                {
                    return ended;
                }
            }
            finally
            {
                reader.Return(read);
            }
        }
    }

    /// <summary>
    /// One message from a viewer. Only viewer payloads pass (docs/security.md §17: anything else is dropped and
    /// counted); input only from the controller and within the per-second budget. What is relayed is the
    /// viewer's bytes with its id appended — or, for chat, the re-serialized message with <c>from</c> set.
    /// Non-null ends the connection: goodbye, or a malformed message (closed with 1007).
    /// </summary>
    private ConnectionEnd? Handle(ViewerConnection viewer, RelaySession session, ReadOnlySpan<byte> message)
    {
        if (!Frames.TryReadHeader(message, out var payload, out _) || payload == Case.None)
        {
            return Malformed(session, message.Length);
        }

        if (!Directions.IsViewerToAgent(payload))
        {
            metrics.Dropped(DropReason.Direction);
            return null;
        }

        switch (payload)
        {
            case Case.Ping:
                if (!Frames.TryParse(message, out var ping))
                {
                    return Malformed(session, message.Length);
                }

                viewer.Connection.Send(new Envelope { Pong = new Pong { Nonce = ping.Ping.Nonce } });
                return null;
            case Case.Pong:
                return null;
            case Case.Disconnect:
                return ConnectionEnd.Disconnected;
            case Case.InputControlRequest:
                if (!Frames.TryParse(message, out var request))
                {
                    return Malformed(session, message.Length);
                }

                session.RequestControl(viewer, request.InputControlRequest.Release);
                return null;
        }

        if (!Directions.IsRelayed(payload))
        {
            metrics.Dropped(DropReason.Direction);
            return null;
        }

        if (Directions.IsViewerInput(payload))
        {
            if (session.Controller != viewer)
            {
                metrics.Dropped(DropReason.NotController);
                return null;
            }

            if (!viewer.Throttle.TryTake())
            {
                metrics.Dropped(DropReason.Throttled);
                return null;
            }
        }

        if (session.Agent is not { } agent)
        {
            metrics.Dropped(DropReason.AgentOffline);
            return null;
        }

        var frame = payload == Case.ChatMessage ? StampChat(viewer, session, message) : OutgoingFrame.Concat(message, viewer.ViewerIdField);
        if (frame is null)
        {
            return Malformed(session, message.Length);
        }

        try
        {
            switch (agent.Connection.Send(frame, droppable: true))
            {
                case EnqueueResult.Queued:
                    metrics.RelayedToAgent(frame.Length);
                    break;
                case EnqueueResult.Closed:
                    metrics.Dropped(DropReason.AgentOffline);
                    break;
                default:
                    metrics.Dropped(DropReason.QueueFull);
                    break;
            }
        }
        finally
        {
            frame.Release();
        }

        return null;
    }

    /// <summary>Counted, logged once without the payload, and the socket closed with 1007 (docs/security.md, input bounds).</summary>
    private ConnectionEnd Malformed(RelaySession session, int length)
    {
        metrics.Dropped(DropReason.Malformed);
        RelayLog.Malformed(logger, "viewer", session.Id, length);
        return ConnectionEnd.Malformed;
    }

    private OutgoingFrame? StampChat(ViewerConnection viewer, RelaySession session, ReadOnlySpan<byte> message)
    {
        if (!Frames.TryParse(message, out var envelope))
        {
            return null;
        }

        RelayLog.Chat(logger, envelope.ChatMessage.Text.Length, "viewer", session.Id);
        envelope.ViewerId = viewer.ViewerId;
        envelope.ChatMessage.From = viewer.Username;
        return OutgoingFrame.From(envelope);
    }
}
