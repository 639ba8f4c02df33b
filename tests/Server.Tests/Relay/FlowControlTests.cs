using GuruConnect.Protocol.V1;
using GuruConnect.Server.Relay;
using Case = GuruConnect.Protocol.V1.Envelope.PayloadOneofCase;

namespace GuruConnect.Server.Tests.Relay;

/// <summary>
/// docs/protocol.md "Limits and fairness": a viewer that stops reading never grows server memory beyond the
/// per-viewer bound, and the agent, no longer acked by it, is the one that slows down.
/// </summary>
public sealed class FlowControlTests
{
    private const int Bound = 256 * 1024;
    private const int FrameBytes = 32 * 1024;

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_viewer_that_stops_reading_stays_within_the_queue_bound_and_stops_acking(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, $"--Relay:MaxQueuedBytesPerViewer={Bound}");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var slow = await FakeViewer.ConnectAsync(server, admin, id, agent);
        await using var healthy = await FakeViewer.ConnectAsync(server, admin, id, agent);
        var slowQueue = server.Session(id).Viewers.Single(v => v.ViewerId == slow.ViewerId).Connection.Queue;

        slow.AckFrames();
        healthy.AckFrames();

        // While it reads, the viewer acks what it draws.
        await agent.SendFrameAsync(1, FrameBytes);
        (await agent.Peer.ReceiveAsync(e => e.PayloadCase == Case.FrameAck && e.ViewerId == slow.ViewerId)).FrameAck.Seq.ShouldBe(1UL);

        // Then it stops reading, and the agent pushes far more than the bound plus what sockets buffer (≈ 40 MiB).
        slow.Peer.PauseReading();
        const int frames = 1280;
        for (ulong seq = 2; seq < frames; seq++)
        {
            await agent.SendFrameAsync(seq, FrameBytes);
            slowQueue.QueuedBytes.ShouldBeLessThanOrEqualTo(Bound);
        }

        await agent.PingAsync();

        slowQueue.PeakQueuedBytes.ShouldBeLessThanOrEqualTo(Bound);
        slowQueue.PeakQueuedBytes.ShouldBeGreaterThan(Bound / 2, "the queue did fill up");
        server.RelayMetrics().DroppedCount(DropReason.QueueFull).ShouldBeGreaterThan(frames / 2);
        slow.Peer.Closed.IsCompleted.ShouldBeFalse("a stalled viewer loses frames, not its session");

        // The stalled viewer's acks stop (the agent throttles that viewer itself); the healthy one's keep coming.
        await agent.SendAsync(new Envelope { DisplayList = new DisplayList() });
        await healthy.ReceiveAsync(Case.DisplayList, TimeSpan.FromSeconds(30));
        await Task.Delay(200);
        var acks = agent.Peer.History.Where(e => e.PayloadCase == Case.FrameAck).ToList();
        acks.Where(a => a.ViewerId == slow.ViewerId).Max(a => a.FrameAck.Seq).ShouldBeLessThan(5UL);
        acks.Where(a => a.ViewerId == healthy.ViewerId).Max(a => a.FrameAck.Seq).ShouldBeGreaterThan(100UL);
        healthy.Peer.Drain();
        agent.Peer.Drain();

        // Reading again, it is owed a keyframe: the agent is asked for one on its behalf once its queue takes frames.
        slow.Peer.ResumeReading();
        await Eventually.TrueAsync(() => slowQueue.QueuedBytes == 0, "the queue drains");
        await agent.SendFrameAsync(frames, FrameBytes);
        await Eventually.TrueAsync(
            () => agent.Peer.History.Any(e => e.PayloadCase == Case.KeyframeRequest && e.ViewerId == slow.ViewerId),
            "a KeyframeRequest for the viewer that lost frames");
    }

    [Fact]
    public async Task Control_messages_past_the_slack_disconnect_a_viewer_that_never_reads()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite, $"--Relay:MaxQueuedBytesPerViewer={Bound}");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        await using var slow = await FakeViewer.ConnectAsync(server, admin, id, agent);
        var slowQueue = server.Session(id).Viewers.Single().Connection.Queue;
        slow.Peer.PauseReading();

        // Display lists are never dropped, so a viewer that takes none is disconnected rather than buffered.
        var list = new Envelope { DisplayList = new DisplayList { Displays = { Enumerable.Range(0, 200).Select(i => new DisplayInfo { Id = (uint)i, Name = new string('d', 100) }) } } };
        for (var i = 0; i < 2000 && server.Session(id).Viewers.Length == 1; i++)
        {
            await agent.SendAsync(list);
        }

        await agent.ReceiveAsync(Case.ViewerLeft, TimeSpan.FromSeconds(30));
        slowQueue.PeakQueuedBytes.ShouldBeLessThanOrEqualTo(Bound + (Bound / 4) + 64 * 1024);
    }
}
