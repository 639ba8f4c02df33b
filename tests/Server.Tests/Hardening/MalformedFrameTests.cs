using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;
using GuruConnect.Server.Relay;

namespace GuruConnect.Server.Tests.Hardening;

/// <summary>A message that is not a valid envelope closes the socket with 1007, is counted, and is logged once without its bytes — on both planes.</summary>
public sealed class MalformedFrameTests
{
    private static readonly byte[] Garbage = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x42, 0x42, 0x42];

    /// <summary>Two payloads in one envelope, and an allowed payload followed by an unknown field.</summary>
    private static IEnumerable<byte[]> Smuggled() =>
    [
        [.. Frames.ToBytes(new Envelope { FrameAck = new FrameAck { Seq = 1 } }), .. Frames.ToBytes(FakeAgent.Frame(2, 10))],
        [.. Frames.ToBytes(new Envelope { FrameAck = new FrameAck { Seq = 1 } }), 0xFA, 0x07, 0x01, 0x00],
        Garbage,
    ];

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_malformed_message_from_an_agent_closes_it_with_1007(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (_, key) = await server.EnrollAsync(site, "uid-1");

        var sent = 0;
        foreach (var bytes in new[] { Garbage, [.. Frames.ToBytes(new Envelope { Ping = new Ping { Nonce = 1 } }), 0xFA, 0x07, 0x01, 0x00] })
        {
            await using var agent = await FakeAgent.ConnectAsync(server, key);
            await agent.Peer.SendRawAsync(bytes);
            sent++;
            (await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(10))).ShouldBe(WebSocketCloseStatus.InvalidPayloadData);
        }

        server.RelayMetrics().DroppedCount(DropReason.Malformed).ShouldBe(sent);
        await Eventually.TrueAsync(() => server.Logs.Lines.Count(l => l.Contains("with 1007", StringComparison.Ordinal)) == sent, "one log line per malformed message");
        server.Logs.Text.ShouldNotContain("Unhandled exception");
        // The server is fine: the agent comes straight back.
        await using var again = await FakeAgent.ConnectAsync(server, key);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_malformed_message_from_a_viewer_closes_it_with_1007_and_the_agent_stays(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);

        var sent = 0;
        foreach (var bytes in Smuggled())
        {
            await using var viewer = await FakeViewer.ConnectAsync(server, admin, id, agent);
            await viewer.Peer.SendRawAsync(bytes);
            sent++;
            (await viewer.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(10))).ShouldBe(WebSocketCloseStatus.InvalidPayloadData);
            await agent.ReceiveAsync(Envelope.PayloadOneofCase.ViewerLeft);
        }

        server.RelayMetrics().DroppedCount(DropReason.Malformed).ShouldBe(sent);
        await Eventually.TrueAsync(() => server.Logs.Lines.Count(l => l.Contains("with 1007", StringComparison.Ordinal)) == sent, "one log line per malformed message");
        // Nothing a viewer smuggled reached the agent.
        agent.Peer.History.ShouldNotContain(e => e.PayloadCase == Envelope.PayloadOneofCase.VideoFrame || e.PayloadCase == Envelope.PayloadOneofCase.FrameAck);
        agent.Peer.Closed.IsCompleted.ShouldBeFalse();
    }
}
