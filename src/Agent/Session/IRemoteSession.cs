using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Session;

/// <summary>
/// The screen-session half of one live agent connection: everything a viewer sends
/// (ViewerJoined/Left, FrameAck, input, clipboard, display selection, quality, keyframe
/// requests, input-control state, chat). The transport owns the socket, hello and heartbeats
/// and hands every other envelope here; disposing it stops capture and releases held input.
/// </summary>
internal interface IRemoteSession : IAsyncDisposable
{
    ValueTask HandleAsync(Envelope envelope, CancellationToken cancellationToken);
}
