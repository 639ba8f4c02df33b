using GuruConnect.Protocol.V1;
using Case = GuruConnect.Protocol.V1.Envelope.PayloadOneofCase;

namespace GuruConnect.Server.Tests.Relay;

/// <summary>docs/protocol.md: agent → viewers fan-out with viewer_id targeting, viewer → agent stamping, joins and leaves.</summary>
public sealed class ForwardingTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Agent_messages_fan_out_to_every_viewer_or_only_the_one_named(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var one = await FakeViewer.ConnectAsync(server, admin, id, agent);
        await using var two = await FakeViewer.ConnectAsync(server, admin, id, agent);

        await agent.SendFrameAsync(1, 1000);
        await agent.SendAsync(new Envelope { ViewerId = two.ViewerId, DisplayList = new DisplayList { Displays = { new DisplayInfo { Id = 7 } } } });
        await agent.SendAsync(new Envelope { CursorPosition = new CursorPosition { X = 5, Y = 6, Visible = true } });

        (await one.ReceiveAsync(Case.VideoFrame)).VideoFrame.Seq.ShouldBe(1UL);
        (await two.ReceiveAsync(Case.VideoFrame)).VideoFrame.Seq.ShouldBe(1UL);
        (await two.ReceiveAsync(Case.DisplayList)).DisplayList.Displays.Single().Id.ShouldBe(7U);
        (await one.ReceiveAsync(Case.CursorPosition)).CursorPosition.X.ShouldBe(5);
        (await two.ReceiveAsync(Case.CursorPosition)).CursorPosition.X.ShouldBe(5);
        one.Peer.Count(Case.DisplayList).ShouldBe(0);
        server.RelayMetrics().ViewersConnected.ShouldBe(2);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Viewer_messages_reach_the_agent_stamped_with_the_senders_id_whatever_it_claimed(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var viewer = await FakeViewer.ConnectAsync(server, admin, id, agent);

        await viewer.SendAsync(new Envelope { ViewerId = "someone-else", FrameAck = new FrameAck { Seq = 41 } });
        await viewer.SendAsync(new Envelope { ViewerId = "someone-else", ChatMessage = new ChatMessage { From = "the CEO", Text = "hello there" } });

        var ack = await agent.ReceiveAsync(Case.FrameAck);
        ack.ViewerId.ShouldBe(viewer.ViewerId);
        ack.FrameAck.Seq.ShouldBe(41UL);
        var chat = await agent.ReceiveAsync(Case.ChatMessage);
        chat.ViewerId.ShouldBe(viewer.ViewerId);
        chat.ChatMessage.From.ShouldBe("admin");
        chat.ChatMessage.Text.ShouldBe("hello there");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Joins_and_leaves_reach_the_agent_are_audited_and_show_in_the_machines_list_and_sessions(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        var viewer = await FakeViewer.ConnectAsync(server, admin, id, agent);

        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/machines")).GetProperty("items").EnumerateArray().Single();
        listed.GetProperty("online").GetBoolean().ShouldBeTrue();
        listed.GetProperty("viewerCount").GetInt32().ShouldBe(1);
        listed.GetProperty("activeViewers").EnumerateArray().Single().GetProperty("username").GetString().ShouldBe("admin");
        var session = (await admin.GetFromJsonAsync<JsonElement[]>("/api/sessions"))!.Single();
        session.GetProperty("id").GetGuid().ShouldBe(id);
        session.GetProperty("machineId").GetGuid().ShouldBe(id);
        session.GetProperty("kind").GetString().ShouldBe("managed");
        session.GetProperty("agentOnline").GetBoolean().ShouldBeTrue();
        session.TryGetProperty("supportCode", out _).ShouldBeFalse();
        var watching = session.GetProperty("viewers").EnumerateArray().Single();
        watching.GetProperty("viewerId").GetString().ShouldBe(viewer.ViewerId);
        watching.GetProperty("hasControl").GetBoolean().ShouldBeTrue();

        await viewer.DisposeAsync();

        var left = await agent.ReceiveAsync(Case.ViewerLeft);
        left.ViewerLeft.ViewerId.ShouldBe(viewer.ViewerId);
        left.ViewerLeft.Username.ShouldBe("admin");
        await Eventually.TrueAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/events?type=viewer_left")).GetProperty("total").GetInt64() == 1,
            "viewer_left is audited");
        var events = await admin.GetFromJsonAsync<JsonElement>($"/api/sessions/{id}/events");
        var types = events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        types.ShouldBe(["viewer_left", "viewer_joined", "agent_connected"], ignoreOrder: true);
        events.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "viewer_joined")
            .GetProperty("actor").GetString().ShouldBe("admin");
        listed = (await admin.GetFromJsonAsync<JsonElement>("/api/machines")).GetProperty("items").EnumerateArray().Single();
        listed.GetProperty("viewerCount").GetInt32().ShouldBe(0);

        await agent.DisposeAsync();
        await Eventually.TrueAsync(async () => !(await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{id}")).GetProperty("online").GetBoolean(),
            "the machine goes offline when its agent leaves");
        (await admin.GetFromJsonAsync<JsonElement[]>("/api/sessions"))!.Single().GetProperty("agentOnline").GetBoolean().ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_viewer_of_an_offline_agent_is_accepted_and_waits_for_it(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await (await FakeAgent.ConnectAsync(server, key)).DisposeAsync();
        await Eventually.TrueAsync(() => server.Session(id).Agent is null, "the agent is offline");

        await using var viewer = await FakeViewer.ConnectAsync(server, admin, id);

        (await viewer.ReceiveAsync(Case.SessionNotice)).SessionNotice.Kind.ShouldBe(SessionNoticeKind.AgentOffline);
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        (await agent.ReceiveAsync(Case.ViewerJoined)).ViewerJoined.Username.ShouldBe("admin");
        (await viewer.ReceiveAsync(Case.SessionNotice)).SessionNotice.Kind.ShouldBe(SessionNoticeKind.AgentOnline);
        await agent.SendFrameAsync(1, 10);
        (await viewer.ReceiveAsync(Case.VideoFrame)).VideoFrame.Seq.ShouldBe(1UL);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Only_one_viewer_holds_input_control_and_others_input_is_dropped_until_they_take_it(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        using var tech = await server.UserClientAsync("tech1", "technician");
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var first = await FakeViewer.ConnectAsync(server, admin, id, agent);
        await using var second = await FakeViewer.ConnectAsync(server, tech, id, agent);
        (await first.ReceiveAsync(Case.InputControlState)).InputControlState.YouHaveControl.ShouldBeTrue();
        var state = (await second.ReceiveAsync(Case.InputControlState)).InputControlState;
        state.YouHaveControl.ShouldBeFalse();
        state.ControllerUsername.ShouldBe("admin");

        await second.SendAsync(new Envelope { KeyInput = new KeyInput { Code = "KeyX", Down = true } });
        await first.SendAsync(new Envelope { KeyInput = new KeyInput { Code = "KeyA", Down = true } });
        var input = await agent.ReceiveAsync(Case.KeyInput);
        input.KeyInput.Code.ShouldBe("KeyA");
        input.ViewerId.ShouldBe(first.ViewerId);
        await Eventually.TrueAsync(() => server.RelayMetrics().DroppedCount(GuruConnect.Server.Relay.DropReason.NotController) == 1,
            "the other viewer's input is dropped");

        // Setting the machine's clipboard is typing by another route: only the controller may.
        await second.SendAsync(new Envelope { ClipboardText = new ClipboardText { Text = "from the watcher" } });
        await first.SendAsync(new Envelope { ClipboardText = new ClipboardText { Text = "from the controller" } });
        (await agent.ReceiveAsync(Case.ClipboardText)).ClipboardText.Text.ShouldBe("from the controller");
        await Eventually.TrueAsync(() => server.RelayMetrics().DroppedCount(GuruConnect.Server.Relay.DropReason.NotController) == 2,
            "the other viewer's clipboard is dropped");

        await second.SendAsync(new Envelope { InputControlRequest = new InputControlRequest() });
        (await second.ReceiveAsync(Case.InputControlState)).InputControlState.YouHaveControl.ShouldBeTrue();
        (await first.ReceiveAsync(Case.InputControlState)).InputControlState.YouHaveControl.ShouldBeFalse();
        await second.SendAsync(new Envelope { KeyInput = new KeyInput { Code = "KeyB", Down = true } });
        (await agent.ReceiveAsync(Case.KeyInput)).ViewerId.ShouldBe(second.ViewerId);

        await second.SendAsync(new Envelope { InputControlRequest = new InputControlRequest { Release = true } });
        (await first.ReceiveAsync(Case.InputControlState)).InputControlState.ControllerViewerId.ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Deleting_a_session_closes_its_sockets_and_is_audited(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        using var tech = await server.UserClientAsync("tech1", "technician");
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var viewer = await FakeViewer.ConnectAsync(server, admin, id, agent);

        (await tech.DeleteAsync($"/api/sessions/{id}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await admin.DeleteAsync($"/api/sessions/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(2));
        await viewer.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(2));
        viewer.Peer.History.ShouldContain(e => e.PayloadCase == Case.Disconnect && e.Disconnect.Reason == "session-ended");
        using var again = await admin.DeleteAsync($"/api/sessions/{id}");
        await again.ShouldBeProblemAsync(HttpStatusCode.NotFound, "SESSION_NOT_FOUND");
        var removed = (await admin.GetFromJsonAsync<JsonElement>("/api/events?type=session_removed")).GetProperty("items").EnumerateArray().Single();
        removed.GetProperty("sessionId").GetGuid().ShouldBe(id);
        removed.GetProperty("actor").GetString().ShouldBe("admin");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Metrics_report_agents_viewers_sessions_and_relayed_frames(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var viewer = await FakeViewer.ConnectAsync(server, admin, id, agent);
        await agent.SendFrameAsync(1, 100);
        await viewer.ReceiveAsync(Case.VideoFrame);

        var text = await server.Client.GetStringAsync("/metrics");

        // Every test server in this process shares one MeterListener world, so /metrics may also show other
        // servers' series: check the names there and this server's values on its own instruments.
        foreach (var name in new[] { "guruconnect_relay_agents_connected", "guruconnect_relay_viewers_connected", "guruconnect_relay_sessions",
            "guruconnect_relay_frames_total{direction=\"agent_to_viewer\"}", "guruconnect_relay_bytes_total{direction=\"viewer_to_agent\"}",
            "guruconnect_relay_dropped_total{reason=\"queue_full\"}" })
        {
            text.ShouldContain(name);
        }

        // The fan-out counts a frame once it is queued, and the viewer's send pump may deliver it first.
        await Eventually.TrueAsync(() => server.RelayMetrics().FramesToViewers == 1, "one frame counted");
        var metrics = server.RelayMetrics();
        metrics.AgentsConnected.ShouldBe(1);
        metrics.ViewersConnected.ShouldBe(1);
        metrics.FramesToViewers.ShouldBe(1);
        server.Sessions().Count.ShouldBe(1);
    }
}
