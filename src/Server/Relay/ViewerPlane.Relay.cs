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
                if (Handle(viewer, session, read.Span))
                {
                    return ConnectionEnd.Disconnected;
                }
            }
            finally
            {
                reader.Return(read);
            }
        }
    }

    /// <summary>
    /// One message from a viewer. Only viewer payloads pass (spec 05 #17: anything else is dropped and
    /// counted); input only from the controller and within the per-second budget. What is relayed is the
    /// viewer's bytes with its id appended — or, for chat, the re-serialized message with <c>from</c> set.
    /// True when the viewer said goodbye.
    /// </summary>
    private bool Handle(ViewerConnection viewer, RelaySession session, ReadOnlySpan<byte> message)
    {
        if (!Frames.TryReadHeader(message, out var payload, out _) || payload == Case.None)
        {
            metrics.Dropped(DropReason.Malformed);
            return false;
        }

        if (!Directions.IsViewerToAgent(payload))
        {
            metrics.Dropped(DropReason.Direction);
            return false;
        }

        switch (payload)
        {
            case Case.Ping:
                if (Frames.TryParse(message, out var ping))
                {
                    viewer.Connection.Send(new Envelope { Pong = new Pong { Nonce = ping.Ping.Nonce } });
                }

                return false;
            case Case.Pong:
                return false;
            case Case.Disconnect:
                return true;
            case Case.InputControlRequest:
                if (Frames.TryParse(message, out var request))
                {
                    session.RequestControl(viewer, request.InputControlRequest.Release);
                }

                return false;
        }

        if (!Directions.IsRelayed(payload))
        {
            metrics.Dropped(DropReason.Direction);
            return false;
        }

        if (Directions.IsViewerInput(payload))
        {
            if (session.Controller != viewer)
            {
                metrics.Dropped(DropReason.NotController);
                return false;
            }

            if (!viewer.Throttle.TryTake())
            {
                metrics.Dropped(DropReason.Throttled);
                return false;
            }
        }

        if (session.Agent is not { } agent)
        {
            metrics.Dropped(DropReason.AgentOffline);
            return false;
        }

        var frame = payload == Case.ChatMessage ? StampChat(viewer, session, message) : OutgoingFrame.Concat(message, viewer.ViewerIdField);
        if (frame is null)
        {
            metrics.Dropped(DropReason.Malformed);
            return false;
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

        return false;
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
