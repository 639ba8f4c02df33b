using System.Net;
using System.Net.WebSockets;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Logging;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Transport;

/// <summary>
/// One connection to <c>/ws/agent</c>: authenticate with the machine key (before the upgrade),
/// say hello, report inventory, keep the heartbeat, answer the server, until the socket ends.
/// Screen sessions (ViewerJoined → capture) plug in at <see cref="OnViewerJoinedAsync"/>.
/// </summary>
internal sealed class RelaySession(
    AgentCredentials credentials,
    IInventorySource inventory,
    Func<string, CancellationToken, Task> storeProvisionedKey,
    TimeProvider time,
    AgentLogger log,
    string hostname,
    string agentVersion) : IDisposable
{
    private readonly WebSocketMessageReader reader = new(ProtocolLimits.MaxAgentMessageBytes);
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private long lastReceivedTicks;

    public void Dispose() => sendLock.Dispose();

    public static Uri AgentEndpoint(Uri server)
    {
        var builder = new UriBuilder(server)
        {
            Scheme = server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = server.AbsolutePath.TrimEnd('/') + "/ws/agent",
        };
        return builder.Uri;
    }

    public async Task<SessionEnd> RunAsync(Func<CancellationToken, Task> onConnected, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {credentials.Key}");
        socket.Options.SetRequestHeader("User-Agent", $"guruconnect-agent/{agentVersion}");
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // the protocol's own Ping/Pong keeps the line
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(AgentEndpoint(credentials.Server), connectTimeout.Token);
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

        TransportLog.Connected(log, credentials.Server);
        await onConnected(cancellationToken);
        Touch();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await SendAsync(socket, new Envelope { AgentHello = Hello() }, stop.Token);
            var sent = inventory.Read();
            await SendAsync(socket, new Envelope { AgentStatus = Status(sent) }, stop.Token);
            var heartbeat = HeartbeatAsync(socket, sent, stop.Token);
            var end = await ReceiveLoopAsync(socket, stop.Token);
            await stop.CancelAsync();
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return end;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return SessionEnd.Dropped(ex.Message);
        }
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
                    return result.CloseStatusDescription == "superseded" ? SessionEnd.Superseded : SessionEnd.Dropped(result.CloseStatusDescription ?? "closed");
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
            case Envelope.PayloadOneofCase.AgentKeyProvision:
                // Trust on first use (spec 02): the server's one-time cak_ for a bootstrap-key agent.
                await storeProvisionedKey(envelope.AgentKeyProvision.Key, cancellationToken);
                TransportLog.KeyProvisioned(log);
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
            MachineUid = credentials.Identity.Uid,
            MachineUidScope = credentials.Identity.Scope == Identity.IdentityScope.Hardware ? MachineUidScope.Hardware : MachineUidScope.OsScoped,
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
