using System.Collections.Concurrent;
using System.Net.WebSockets;
using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Session;
using GuruConnect.Agent.Tests.Support;
using GuruConnect.Agent.Transport;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;
using Case = GuruConnect.Protocol.V1.Envelope.PayloadOneofCase;

namespace GuruConnect.Agent.Tests.Transport;

/// <summary>
/// The remote-session seam of one connection, against a real WebSocket: the transport keeps its own
/// business (ping, key provisioning, disconnect), hands everything else to the session, lets the
/// session send from another task while it answers pings, and disposes the session when the line ends.
/// </summary>
public sealed class LinkConnectionSessionTests
{
    private const int SessionSends = 50;

    private readonly WebSocketMessageReader _reader = new(ProtocolLimits.MaxAgentMessageBytes);

    [Fact]
    public async Task EveryNonTransportEnvelope_GoesToTheSession_WhoseSendsInterleaveSafely_AndItIsDisposedAtTheEnd()
    {
        var received = new ConcurrentQueue<Envelope>();
        var serverDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new TestHttpServer(_ => TestResponse.Upgrade(async (socket, ct) =>
        {
            await NextAsync(socket, ct); // AgentHello
            await NextAsync(socket, ct); // AgentStatus
            Envelope[] toAgent =
            [
                new() { ViewerId = "v1", ViewerJoined = new ViewerJoined { ViewerId = "v1", Username = "alice" } },
                new() { Ping = new Ping { Nonce = 7 } },
                new() { ViewerId = "v1", ChatMessage = new ChatMessage { Text = "hello" } },
                new() { ViewerId = "v1", MouseInput = new MouseInput { X = 1, Y = 2 } },
                new() { AgentKeyProvision = new AgentKeyProvision { Key = "cak_not_for_attended" } },
                new() { ViewerId = "v1", KeyframeRequest = new KeyframeRequest() },
                new() { SessionNotice = new SessionNotice { Kind = SessionNoticeKind.SessionEnding, Text = "bye" } },
            ];
            foreach (var envelope in toAgent)
            {
                await Frames.SendAsync(socket, envelope, ct);
            }

            // Everything the agent sends: the session's display lists and the transport's pong, intact.
            while (received.Count(e => e.PayloadCase == Case.DisplayList) < SessionSends || !received.Any(e => e.PayloadCase == Case.Pong))
            {
                received.Enqueue((await NextAsync(socket, ct)) ?? throw new InvalidOperationException("the agent closed early"));
            }

            await Frames.SendAsync(socket, new Envelope { Disconnect = new Disconnect { Reason = "session-ended" } }, ct);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "session-ended", ct);
            await NextAsync(socket, ct);
            serverDone.SetResult();
        }));
        var sessions = new RecordingSessionFactory();
        using var connection = new LinkConnection(
            new LinkAuthentication.SupportCode(server.BaseAddress, "123456", null),
            new StaticInventory(),
            storeProvisionedKey: null,
            sessions,
            TimeProvider.System,
            new CapturedLogs().For<LinkConnection>(),
            "TEST-PC",
            "1.0.0");

        var end = await connection.RunAsync(_ => Task.CompletedTask, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        end.Kind.ShouldBe(LinkEndKind.Ended, end.Detail);
        await serverDone.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var session = sessions.Created.ShouldHaveSingleItem();
        session.Received.Select(e => e.PayloadCase).ShouldBe([Case.ViewerJoined, Case.ChatMessage, Case.MouseInput, Case.KeyframeRequest, Case.SessionNotice]);
        session.Disposed.ShouldBeTrue();
        received.Where(e => e.PayloadCase == Case.DisplayList).ShouldAllBe(e => e.ViewerId == "v1");
        received.Single(e => e.PayloadCase == Case.Pong).Pong.Nonce.ShouldBe(7UL);
    }

    private async Task<Envelope?> NextAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var read = await _reader.ReadAsync(socket, cancellationToken);
        try
        {
            return read.Status == WebSocketReadStatus.Message && Frames.TryParse(read.Span, out var envelope) ? envelope : null;
        }
        finally
        {
            _reader.Return(read);
        }
    }

    private sealed class RecordingSessionFactory : IRemoteSessionFactory
    {
        public ConcurrentQueue<RecordingSession> Created { get; } = new();

        public IRemoteSession Create(IEnvelopeSender sender)
        {
            var session = new RecordingSession(sender);
            Created.Enqueue(session);
            return session;
        }
    }

    /// <summary>On a join, streams from its own task, as a capture loop would.</summary>
    private sealed class RecordingSession(IEnvelopeSender sender) : IRemoteSession
    {
        private Task _streaming = Task.CompletedTask;

        public ConcurrentQueue<Envelope> Received { get; } = new();

        public bool Disposed { get; private set; }

        public ValueTask HandleAsync(Envelope envelope, CancellationToken cancellationToken)
        {
            Received.Enqueue(envelope);
            if (envelope.PayloadCase == Case.ViewerJoined)
            {
                var viewer = envelope.ViewerJoined.ViewerId;
                _streaming = Task.Run(async () =>
                {
                    for (var i = 0; i < SessionSends; i++)
                    {
                        await sender.SendAsync(new Envelope { ViewerId = viewer, DisplayList = new DisplayList() }, CancellationToken.None);
                    }
                }, CancellationToken.None);
            }

            return ValueTask.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            await _streaming;
            Disposed = true;
        }
    }

    private sealed class StaticInventory : IInventorySource
    {
        public InventorySnapshot Read() => new("TestOS", "1", "cpu", 1, 1, "m", "m", "s", [], [], "", 0, "UTC", 0, false);
    }
}
