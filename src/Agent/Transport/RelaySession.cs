using System.Net;
using System.Net.WebSockets;
using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Logging;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Transport;

/// <summary>
/// One connection to <c>/ws/agent</c>: authenticate (before the upgrade) with the machine key or a
/// support code, say hello, report inventory, keep the heartbeat, answer the server, until the socket
/// ends. Cancellation says goodbye (<c>Disconnect</c> and a close frame) instead of dropping the line.
/// Screen sessions (ViewerJoined → capture) plug in at <see cref="OnViewerJoinedAsync"/>.
/// An attended session passes no <paramref name="storeProvisionedKey"/>: it stores nothing.
/// </summary>
internal sealed class RelaySession(
    RelayAuthentication authentication,
    IInventorySource inventory,
    Func<string, CancellationToken, Task>? storeProvisionedKey,
    TimeProvider time,
    AgentLogger log,
    string hostname,
    string agentVersion) : IDisposable
{
    public const string GoodbyeReason = "goodbye";

    /// <summary>How long a goodbye waits for the server's close frame before dropping the line.</summary>
    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocketMessageReader reader = new(ProtocolLimits.MaxAgentMessageBytes);
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private long lastReceivedTicks;
    private string? disconnectReason;

    public void Dispose() => sendLock.Dispose();

    public async Task<SessionEnd> RunAsync(Func<CancellationToken, Task> onConnected, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        authentication.Apply(socket.Options);
        socket.Options.SetRequestHeader("User-Agent", $"guruconnect-agent/{agentVersion}");
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // the protocol's own Ping/Pong keeps the line
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(authentication.Endpoint, connectTimeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return socket.HttpStatusCode switch
            {
                HttpStatusCode.Unauthorized => SessionEnd.KeyRejected,
                HttpStatusCode.Forbidden => SessionEnd.PendingApproval,
                0 => SessionEnd.Unreachable(ex.Message),
                var status => SessionEnd.Refused((int)status),
            };
        }

        TransportLog.Connected(log, authentication.Server);
        await onConnected(cancellationToken);
        Touch();

        // Not linked to the caller's token: cancelling a socket read or send aborts the socket, and a
        // goodbye needs it open. The caller's token only ends the wait below.
        using var stop = new CancellationTokenSource();
        var heartbeat = Task.CompletedTask;
        Task<SessionEnd>? receive = null;
        try
        {
            await SendAsync(socket, new Envelope { AgentHello = Hello() }, stop.Token);
            var sent = inventory.Read();
            await SendAsync(socket, new Envelope { AgentStatus = Status(sent) }, stop.Token);
            heartbeat = HeartbeatAsync(socket, sent, stop.Token);
            receive = ReceiveLoopAsync(socket, stop.Token);
            return await receive.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await SayGoodbyeAsync(socket, receive);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            return SessionEnd.Dropped(ex.Message);
        }
        finally
        {
            await stop.CancelAsync();
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (receive is not null)
            {
                await ((Task)receive).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Spec 02 <c>Disconnect</c>: tell the server, then close with NormalClosure and wait (briefly) for its
    /// close frame, so the session ends now rather than after 60 s of silence.
    /// </summary>
    private async Task<SessionEnd> SayGoodbyeAsync(ClientWebSocket socket, Task<SessionEnd>? receive)
    {
        using var timeout = new CancellationTokenSource(GoodbyeTimeout, time);
        try
        {
            await SendAsync(socket, new Envelope { Disconnect = new Disconnect { Reason = GoodbyeReason } }, timeout.Token);
            await CloseOutputAsync(socket, WebSocketCloseStatus.NormalClosure, GoodbyeReason, timeout.Token);
            if (receive is not null)
            {
                await receive.WaitAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The line is gone or the server did not answer in time: nothing more to say.
        }

        TransportLog.SaidGoodbye(log);
        return SessionEnd.Stopped;
    }

    private async Task<SessionEnd> ReceiveLoopAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(socket, cancellationToken);
            if (result.Status != WebSocketReadStatus.Message)
            {
                if (result.Status == WebSocketReadStatus.Closed)
                {
                    TransportLog.Closed(log, result.CloseStatus?.ToString() ?? "dropped", result.CloseStatusDescription);
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        // Answer the server's close frame, which it waits for (RFC 6455 §5.5.1).
                        await CloseOutputAsync(socket, result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                    }

                    // The close description is the reason; a Disconnect that arrived before a dropped line still counts.
                    var reason = string.IsNullOrEmpty(result.CloseStatusDescription) ? disconnectReason : result.CloseStatusDescription;
                    return reason switch
                    {
                        "superseded" => SessionEnd.Superseded,
                        "session-ended" => SessionEnd.Ended,
                        _ => SessionEnd.Dropped(reason ?? "closed"),
                    };
                }

                await socket.CloseOutputAsync(WebSocketCloseStatus.InvalidMessageType, "binary protobuf only", cancellationToken);
                return SessionEnd.Dropped(result.Status.ToString());
            }

            Touch();
            Envelope? envelope;
            bool parsed;
            try
            {
                parsed = Frames.TryParse(result.Span, out envelope);
            }
            finally
            {
                reader.Return(result);
            }

            if (parsed)
            {
                await HandleAsync(socket, envelope!, cancellationToken);
            }
        }
    }

    private async Task HandleAsync(ClientWebSocket socket, Envelope envelope, CancellationToken cancellationToken)
    {
        switch (envelope.PayloadCase)
        {
            case Envelope.PayloadOneofCase.Ping:
                await SendAsync(socket, new Envelope { Pong = new Pong { Nonce = envelope.Ping.Nonce } }, cancellationToken);
                break;
            case Envelope.PayloadOneofCase.AgentKeyProvision when storeProvisionedKey is null:
                TransportLog.KeyProvisionIgnored(log);
                break;
            case Envelope.PayloadOneofCase.AgentKeyProvision:
                // Trust on first use (spec 02): the server's one-time cak_ for a bootstrap-key agent.
                await storeProvisionedKey(envelope.AgentKeyProvision.Key, cancellationToken);
                TransportLog.KeyProvisioned(log);
                break;
            case Envelope.PayloadOneofCase.Disconnect:
                // The close frame follows; remember why in case the line drops before it arrives.
                disconnectReason = envelope.Disconnect.Reason;
                break;
            case Envelope.PayloadOneofCase.ViewerJoined:
                await OnViewerJoinedAsync(socket, envelope.ViewerJoined, cancellationToken);
                break;
            case Envelope.PayloadOneofCase.ViewerLeft:
                TransportLog.ViewerLeft(log, envelope.ViewerLeft.Username);
                break;
            case Envelope.PayloadOneofCase.SessionNotice:
                TransportLog.Notice(log, envelope.SessionNotice.Kind.ToString(), envelope.SessionNotice.Text);
                break;
        }
    }

    /// <summary>Screen capture is not part of this build: the viewer is told so and sees an empty display list.</summary>
    private async Task OnViewerJoinedAsync(ClientWebSocket socket, ViewerJoined joined, CancellationToken cancellationToken)
    {
        TransportLog.ViewerJoined(log, joined.Username);
        await SendAsync(socket, new Envelope { ViewerId = joined.ViewerId, DisplayList = new DisplayList() }, cancellationToken);
    }

    /// <summary>Ping every 20 s, abort after 60 s of silence, and re-send inventory when it changed.</summary>
    private async Task HeartbeatAsync(ClientWebSocket socket, InventorySnapshot sent, CancellationToken cancellationToken)
    {
        ulong nonce = 0;
        using var timer = new PeriodicTimer(ProtocolLimits.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (time.GetUtcNow().UtcTicks - Interlocked.Read(ref lastReceivedTicks) > ProtocolLimits.SilenceTimeout.Ticks)
            {
                TransportLog.Silent(log);
                socket.Abort();
                return;
            }

            await SendAsync(socket, new Envelope { Ping = new Ping { Nonce = ++nonce } }, cancellationToken);
            var current = inventory.Read();
            if (!current.SameFactsAs(sent))
            {
                await SendAsync(socket, new Envelope { AgentStatus = Status(current) }, cancellationToken);
                sent = current;
            }
        }
    }

    private async Task SendAsync(WebSocket socket, Envelope envelope, CancellationToken cancellationToken)
    {
        await sendLock.WaitAsync(cancellationToken);
        try
        {
            await Frames.SendAsync(socket, envelope, cancellationToken);
        }
        finally
        {
            sendLock.Release();
        }
    }

    private async Task CloseOutputAsync(WebSocket socket, WebSocketCloseStatus status, string? description, CancellationToken cancellationToken)
    {
        await sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.CloseOutputAsync(status, description, cancellationToken);
        }
        catch (WebSocketException)
        {
            // Already gone: the close was a courtesy.
        }
        finally
        {
            sendLock.Release();
        }
    }

    private void Touch() => Interlocked.Exchange(ref lastReceivedTicks, time.GetUtcNow().UtcTicks);

    private AgentHello Hello()
    {
        var facts = inventory.Read();
        var hello = new AgentHello
        {
            Hostname = hostname,
            OsName = facts.OsName,
            OsVersion = facts.OsVersion,
            AgentVersion = agentVersion,
            MachineUid = authentication.Identity?.Uid ?? string.Empty,
            MachineUidScope = authentication.Identity?.Scope switch
            {
                null => MachineUidScope.Unspecified,
                Identity.IdentityScope.Hardware => MachineUidScope.Hardware,
                _ => MachineUidScope.OsScoped,
            },
        };
        hello.Capabilities.Add("heartbeat");
        return hello;
    }

    private static AgentStatus Status(InventorySnapshot facts)
    {
        var status = new AgentStatus
        {
            OsName = facts.OsName,
            OsVersion = facts.OsVersion,
            CpuModel = facts.CpuModel,
            CpuCores = facts.CpuCores,
            RamBytes = facts.RamBytes,
            Manufacturer = facts.Manufacturer,
            Model = facts.Model,
            Serial = facts.Serial,
            LoggedOnUser = facts.LoggedOnUser,
            UserIdleSeconds = (uint)Math.Min(facts.UserIdleSeconds, uint.MaxValue),
            TimeZone = facts.TimeZone,
            UptimeSeconds = facts.UptimeSeconds,
            IsAdmin = facts.IsAdmin,
        };
        status.PrivateIps.AddRange(facts.PrivateIps);
        status.Macs.AddRange(facts.Macs);
        return status;
    }
}
