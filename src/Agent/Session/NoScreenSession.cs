using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Session;

/// <summary>
/// The remote session of a build without screen streaming: a joining viewer gets an empty
/// <c>DisplayList</c> addressed to it (so the console can say "no screen"), and everything else
/// a viewer sends is ignored.
/// </summary>
internal sealed class NoScreenSession(IEnvelopeSender sender) : IRemoteSession
{
    public async ValueTask HandleAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.PayloadCase == Envelope.PayloadOneofCase.ViewerJoined)
        {
            await sender.SendAsync(new Envelope { ViewerId = envelope.ViewerJoined.ViewerId, DisplayList = new DisplayList() }, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
