using System.Diagnostics;
using System.Net.WebSockets;
using Google.Protobuf;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;
using GuruConnect.Server.Relay;
using Case = GuruConnect.Protocol.V1.Envelope.PayloadOneofCase;

namespace GuruConnect.Server.Tests.Relay;

/// <summary>docs/protocol.md "Limits and fairness", docs/security.md §16–§18: size caps, direction filtering, the input throttle.</summary>
public sealed class LimitsTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agent_message_over_4_MiB_closes_the_socket_with_1009(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var viewer = await FakeViewer.ConnectAsync(server, admin, id, agent);

        // Exactly at the cap is relayed...
        var padded = FakeAgent.Frame(1, ProtocolLimits.MaxAgentMessageBytes - 100);
        while (padded.CalculateSize() != ProtocolLimits.MaxAgentMessageBytes)
        {
            var tile = padded.VideoFrame.Tiles[0];
            tile.Data = ByteString.CopyFrom(new byte[tile.Data.Length + ProtocolLimits.MaxAgentMessageBytes - padded.CalculateSize()]);
        }

        await agent.SendAsync(padded);
        (await viewer.ReceiveAsync(Case.VideoFrame)).CalculateSize().ShouldBe(ProtocolLimits.MaxAgentMessageBytes);

        // ...one byte more closes with 1009.
        await agent.Peer.SendRawAsync(new byte[ProtocolLimits.MaxAgentMessageBytes + 1]);

        (await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(5))).ShouldBe(WebSocketCloseStatus.MessageTooBig);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_viewer_message_over_64_KiB_closes_the_socket_with_1009(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var viewer = await FakeViewer.ConnectAsync(server, admin, id, agent);

        await viewer.Peer.SendRawAsync(new byte[ProtocolLimits.MaxViewerMessageBytes + 1]);

        (await viewer.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(5))).ShouldBe(WebSocketCloseStatus.MessageTooBig);
        (await agent.ReceiveAsync(Case.ViewerLeft)).ViewerLeft.ViewerId.ShouldBe(viewer.ViewerId);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_text_message_closes_the_socket_with_1003(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (_, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);

        await agent.Peer.SendRawAsync("hello"u8.ToArray(), WebSocketMessageType.Text);

        (await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(5))).ShouldBe(WebSocketCloseStatus.InvalidMessageType);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_viewer_sending_agent_side_or_server_messages_has_them_dropped_and_counted(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var viewer = await FakeViewer.ConnectAsync(server, admin, id, agent);
        Envelope[] forbidden =
        [
            FakeAgent.Frame(1, 10),
            new() { AgentHello = new AgentHello { MachineUid = "x" } },
            new() { AgentStatus = new AgentStatus { OsName = "x" } },
            new() { AgentKeyProvision = new AgentKeyProvision { Key = "cak_x" } },
            new() { ViewerJoined = new ViewerJoined { ViewerId = "x" } },
            new() { ViewerLeft = new ViewerLeft { ViewerId = "x" } },
            new() { SessionNotice = new SessionNotice { Text = "x" } },
            new() { InputControlState = new InputControlState { YouHaveControl = true } },
            new() { DisplayList = new DisplayList() },
            new() { CursorShape = new CursorShape() },
            new() { CursorPosition = new CursorPosition() },
        ];

        foreach (var envelope in forbidden)
        {
            await viewer.SendAsync(envelope);
        }

        // A forbidden payload hidden behind an allowed one (two payloads, an unknown field) is malformed:
        // Hardening/MalformedFrameTests checks that it closes the socket with 1007.
        await viewer.SendAsync(new Envelope { QualityRequest = new QualityRequest { MaxFps = 12 } });

        (await agent.ReceiveAsync(Case.QualityRequest)).QualityRequest.MaxFps.ShouldBe(12U);
        agent.Peer.History.Select(e => e.PayloadCase).Distinct().ShouldBe([Case.Pong, Case.ViewerJoined, Case.QualityRequest], ignoreOrder: true);
        server.RelayMetrics().DroppedCount(DropReason.Direction).ShouldBe(forbidden.Length);
        server.RelayMetrics().DroppedCount(DropReason.Malformed).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agent_sending_viewer_side_or_server_messages_has_them_dropped(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var viewer = await FakeViewer.ConnectAsync(server, admin, id, agent);
        Envelope[] forbidden =
        [
            new() { MouseInput = new MouseInput { X = 1 } },
            new() { KeyInput = new KeyInput { Code = "KeyA" } },
            new() { FrameAck = new FrameAck { Seq = 1 } },
            new() { InputControlRequest = new InputControlRequest() },
            new() { InputControlState = new InputControlState { YouHaveControl = true } },
            new() { SessionNotice = new SessionNotice { Text = "x" } },
            new() { KeyframeRequest = new KeyframeRequest() },
        ];

        foreach (var envelope in forbidden)
        {
            await agent.SendAsync(envelope);
        }

        await agent.SendAsync(new Envelope { CursorPosition = new CursorPosition { X = 9 } });

        (await viewer.ReceiveAsync(Case.CursorPosition)).CursorPosition.X.ShouldBe(9);
        viewer.Peer.History.ShouldNotContain(e => forbidden.Any(f => f.PayloadCase == e.PayloadCase && e.PayloadCase != Case.InputControlState));
        viewer.Peer.Count(Case.InputControlState).ShouldBe(1);
        server.RelayMetrics().DroppedCount(DropReason.Direction).ShouldBe(forbidden.Length);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Viewer_input_beyond_240_per_second_is_dropped(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var viewer = await FakeViewer.ConnectAsync(server, admin, id, agent);
        const int sent = 1000;

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < sent; i++)
        {
            await viewer.SendAsync(new Envelope { MouseInput = new MouseInput { X = i } });
        }

        await viewer.SendAsync(new Envelope { QualityRequest = new QualityRequest { MaxFps = 1 } });
        await agent.ReceiveAsync(Case.QualityRequest);
        var elapsed = clock.Elapsed;

        var relayed = agent.Peer.Count(Case.MouseInput);
        // The bucket holds a tenth of a second (24) and refills 240 a second (Hardening/InputThrottleTests).
        relayed.ShouldBeGreaterThanOrEqualTo(24);
        relayed.ShouldBeLessThanOrEqualTo(24 + (int)Math.Ceiling(240 * elapsed.TotalSeconds) + 1, $"{sent} inputs took {elapsed.TotalMilliseconds} ms");
        server.RelayMetrics().DroppedCount(DropReason.Throttled).ShouldBe(sent - relayed);
    }
}

/// <summary>docs/security.md §16 "refused before allocation": measured, so it runs alone.</summary>
[Collection(TimingGroup.Name)]
public sealed class OversizeAllocationTests
{
    [Fact]
    public async Task A_32_MiB_agent_message_is_refused_without_buffering_it()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (_, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        const int size = 32 * 1024 * 1024;

        var before = GC.GetTotalAllocatedBytes(precise: true);
        try
        {
            await agent.Peer.SendFragmentedAsync(size);
        }
        catch (WebSocketException)
        {
            // The server may abort once its close grace is over, before the rest is sent.
        }

        (await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(5))).ShouldBe(WebSocketCloseStatus.MessageTooBig);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        // The reader stops at 4 MiB (its doubling buffers total under 8 MiB); buffering the message would be 32.
        allocated.ShouldBeLessThan(16L * 1024 * 1024);
    }
}
