using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Tests.Infrastructure;

/// <summary>A protocol-level viewer: gets a viewer token through the REST API and connects to <c>/ws/viewer</c>.</summary>
public sealed class FakeViewer : IAsyncDisposable
{
    private FakeViewer(ProtocolPeer peer, string viewerId)
    {
        Peer = peer;
        ViewerId = viewerId;
    }

    public ProtocolPeer Peer { get; }

    /// <summary>This viewer's id, learned from the <c>ViewerJoined</c> the agent got (empty when no agent was watching).</summary>
    public string ViewerId { get; }

    public static Uri Endpoint(GuruServer server, string session, string token) =>
        new UriBuilder(server.BaseAddress)
        {
            Scheme = "ws",
            Path = "/ws/viewer",
            Query = $"session={Uri.EscapeDataString(session)}&token={Uri.EscapeDataString(token)}",
        }.Uri;

    public static async Task<string> TokenAsync(HttpClient user, Guid sessionId)
    {
        using var response = await user.PostAsync($"/api/sessions/{sessionId}/viewer-token", null);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>
    /// Connects as <paramref name="user"/>. With <paramref name="agent"/>, waits for the agent's
    /// <c>ViewerJoined</c> (the viewer is then part of the session) and takes the viewer id from it.
    /// </summary>
    public static async Task<FakeViewer> ConnectAsync(GuruServer server, HttpClient user, Guid sessionId, FakeAgent? agent = null)
    {
        var peer = await ProtocolPeer.ConnectAsync(Endpoint(server, sessionId.ToString(), await TokenAsync(user, sessionId)));
        var viewerId = string.Empty;
        if (agent is not null)
        {
            viewerId = (await agent.ReceiveAsync(Envelope.PayloadOneofCase.ViewerJoined)).ViewerJoined.ViewerId;
        }

        return new FakeViewer(peer, viewerId);
    }

    public static Task<HttpStatusCode> RefusedAsync(GuruServer server, string session, string token) =>
        ProtocolPeer.RefusedAsync(Endpoint(server, session, token));

    /// <summary>Ack every video frame as it is read, as a real viewer acks what it has drawn.</summary>
    public void AckFrames() => Peer.Reply = e => e.PayloadCase == Envelope.PayloadOneofCase.VideoFrame
        ? new Envelope { FrameAck = new FrameAck { Seq = e.VideoFrame.Seq } }
        : null;

    public Task SendAsync(Envelope envelope) => Peer.SendAsync(envelope);

    public Task<Envelope> ReceiveAsync(Envelope.PayloadOneofCase payload, TimeSpan? timeout = null) => Peer.ReceiveAsync(payload, timeout);

    public ValueTask DisposeAsync() => Peer.DisposeAsync();
}
