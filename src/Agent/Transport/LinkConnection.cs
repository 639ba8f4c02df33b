using System.Net;
using System.Net.WebSockets;
using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Session;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Transport;

/// <summary>
/// One connection to <c>/ws/agent</c>: authenticate (before the upgrade) with the machine key or a
/// support code, say hello, report inventory, keep the heartbeat, answer the server, until the socket
/// ends. Cancellation says goodbye (<c>Disconnect</c> and a close frame) instead of dropping the line.
/// Everything that is not transport business (viewers, input, clipboard, chat, quality, notices) goes
/// to the connection's <see cref="IRemoteSession"/>, made by the registered
/// <see cref="IRemoteSessionFactory"/> once the hello is out and disposed when the connection ends.
/// An attended session passes no <paramref name="storeProvisionedKey"/>: it stores nothing.
/// </summary>
/// <remarks>
/// The remote session's <see cref="IRemoteSession.HandleAsync"/> runs on the read loop: it must hand
/// long work (capture, encode) to its own task, or pings wait behind it. Its sends go through the same
/// lock as the transport's own, so they may come from any task; awaiting one is the back-pressure.
/// </remarks>
internal sealed class LinkConnection(
    LinkAuthentication authentication,
    IInventorySource inventory,
    Func<string, CancellationToken, Task>? storeProvisionedKey,
    IRemoteSessionFactory sessions,
    TimeProvider time,
    ILogger log,
    string hostname,
    string agentVersion) : IDisposable
{
    public const string GoodbyeReason = CloseReasons.Goodbye;

    /// <summary>How long a goodbye waits for the server's close frame before dropping the line.</summary>
    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocketMessageReader reader = new(ProtocolLimits.MaxAgentMessageBytes);
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private long lastReceivedTicks;
    private string? disconnectReason;
    private IRemoteSession? remote;

    public void Dispose() => sendLock.Dispose();

    public async Task<LinkEnd> RunAsync(Func<CancellationToken, Task> onConnected, CancellationToken cancellationToken)
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
                HttpStatusCode.Unauthorized => LinkEnd.KeyRejected,
                HttpStatusCode.Forbidden => LinkEnd.PendingApproval,
                0 => LinkEnd.Unreachable(ex.Message),
                var status => LinkEnd.Refused((int)status),
            };
        }

        LinkLog.Connected(log, authentication.Server);
        await onConnected(cancellationToken);
        Touch();

        // Not linked to the caller's token: cancelling a socket read or send aborts the socket, and a
        // goodbye needs it open. The caller's token only ends the wait below.
        using var stop = new CancellationTokenSource();
        var heartbeat = Task.CompletedTask;
        Task<LinkEnd>? receive = null;
        try
        {
            await SendAsync(socket, new Envelope { AgentHello = Hello() }, stop.Token);
            var sent = inventory.Read();
            await SendAsync(socket, new Envelope { AgentStatus = Status(sent) }, stop.Token);
            remote = sessions.Create(new Sender(this, socket, stop.Token));
            heartbeat = HeartbeatAsync(socket, sent, stop.Token);
            receive = ReceiveLoopAsync(socket, stop.Token);
            return await receive.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stop capturing and release held input before the goodbye, not after it.
            await DisposeRemoteAsync();
            return await SayGoodbyeAsync(socket, receive);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            return LinkEnd.Dropped(ex.Message);
        }
        finally
        {
            await stop.CancelAsync();
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (receive is not null)
            {
                await ((Task)receive).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await DisposeRemoteAsync();
        }
    }

    private async Task DisposeRemoteAsync()
    {
        if (Interlocked.Exchange(ref remote, null) is not { } session)
        {
            return;
        }

        try
        {
            await session.DisposeAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LinkLog.RemoteSessionFailed(log, "dispose", ex.Message);
        }
    }

    /// <summary>
    /// <c>Disconnect</c> (docs/protocol.md): tell the server, then close with NormalClosure and wait (briefly) for its
    /// close frame, so the session ends now rather than after 60 s of silence.
    /// </summary>
    private async Task<LinkEnd> SayGoodbyeAsync(ClientWebSocket socket, Task<LinkEnd>? receive)
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

        LinkLog.SaidGoodbye(log);
        return LinkEnd.Stopped;
    }

    private async Task<LinkEnd> ReceiveLoopAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(socket, cancellationToken);
            if (result.Status != WebSocketReadStatus.Message)
            {
                if (result.Status == WebSocketReadStatus.Closed)
                {
                    LinkLog.Closed(log, result.CloseStatus?.ToString() ?? "dropped", string.IsNullOrEmpty(result.CloseStatusDescription) ? "no reason" : result.CloseStatusDescription);
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        // Answer the server's close frame, which it waits for (RFC 6455 §5.5.1).
                        await CloseOutputAsync(socket, result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                    }

                    // The close description is the reason; a Disconnect that arrived before a dropped line still counts.
                    var reason = string.IsNullOrEmpty(result.CloseStatusDescription) ? disconnectReason : result.CloseStatusDescription;
                    return reason switch
                    {
                        CloseReasons.Superseded => LinkEnd.Superseded,
                        CloseReasons.SessionEnded => LinkEnd.Ended,
                        _ => LinkEnd.Dropped(reason ?? "closed"),
                    };
                }

                await socket.CloseOutputAsync(WebSocketCloseStatus.InvalidMessageType, "binary protobuf only", cancellationToken);
                return LinkEnd.Dropped(result.Status.ToString());
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
                return;
            case Envelope.PayloadOneofCase.Pong or Envelope.PayloadOneofCase.AgentHello or Envelope.PayloadOneofCase.AgentStatus
                or Envelope.PayloadOneofCase.None:
                // Liveness is any message (Touch); hello and status only ever go the other way.
                return;
            case Envelope.PayloadOneofCase.AgentKeyProvision when storeProvisionedKey is null:
                LinkLog.KeyProvisionIgnored(log);
                return;
            case Envelope.PayloadOneofCase.AgentKeyProvision:
                // Trust on first use (docs/protocol.md "Agent plane"): the server's one-time cak_ for a bootstrap-key agent.
                await storeProvisionedKey(envelope.AgentKeyProvision.Key, cancellationToken);
                LinkLog.KeyProvisioned(log);
                return;
            case Envelope.PayloadOneofCase.Disconnect:
                // The close frame follows; remember why in case the line drops before it arrives.
                disconnectReason = envelope.Disconnect.Reason;
                return;
            case Envelope.PayloadOneofCase.ViewerJoined:
                LinkLog.ViewerJoined(log, envelope.ViewerJoined.Username);
                break;
            case Envelope.PayloadOneofCase.ViewerLeft:
                LinkLog.ViewerLeft(log, envelope.ViewerLeft.Username);
                break;
            case Envelope.PayloadOneofCase.SessionNotice:
                LinkLog.Notice(log, envelope.SessionNotice.Kind.ToString(), envelope.SessionNotice.Text);
                break;
        }

        if (remote is { } session)
        {
            try
            {
                await session.HandleAsync(envelope, cancellationToken);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or WebSocketException or OutOfMemoryException))
            {
                // One bad message (a display that vanished, an input the OS refused) is not worth the line.
                LinkLog.RemoteSessionFailed(log, envelope.PayloadCase.ToString(), ex.Message);
            }
        }
    }

    /// <summary>Ping every 20 s, abort after 60 s of silence, and re-send inventory when it changed.</summary>
    private async Task HeartbeatAsync(ClientWebSocket socket, InventorySnapshot sent, CancellationToken cancellationToken)
    {
        ulong nonce = 0;
        var sentAt = time.GetUtcNow();
        using var timer = new PeriodicTimer(ProtocolLimits.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (time.GetUtcNow().UtcTicks - Interlocked.Read(ref lastReceivedTicks) > ProtocolLimits.SilenceTimeout.Ticks)
            {
                LinkLog.Silent(log);
                socket.Abort();
                return;
            }

            await SendAsync(socket, new Envelope { Ping = new Ping { Nonce = ++nonce } }, cancellationToken);
            var current = inventory.Read();
            if (current.ShouldReplace(sent, time.GetUtcNow() - sentAt))
            {
                await SendAsync(socket, new Envelope { AgentStatus = Status(current) }, cancellationToken);
                sent = current;
                sentAt = time.GetUtcNow();
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

    /// <summary>
    /// The remote session's way out: the transport's own send lock, so any task may call it. Waiting
    /// for the lock honours the caller's token; the write itself runs under the connection's, because
    /// cancelling a WebSocket write aborts the socket.
    /// </summary>
    private sealed class Sender(LinkConnection owner, WebSocket socket, CancellationToken connection) : IEnvelopeSender
    {
        public async ValueTask SendAsync(Envelope envelope, CancellationToken cancellationToken)
        {
            await owner.sendLock.WaitAsync(cancellationToken);
            try
            {
                connection.ThrowIfCancellationRequested();
                await Frames.SendAsync(socket, envelope, connection);
            }
            finally
            {
                owner.sendLock.Release();
            }
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
        hello.Capabilities.Add(Capabilities.Heartbeat);
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
