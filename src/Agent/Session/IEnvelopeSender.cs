using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Session;

/// <summary>
/// Sends one envelope to the server on the live agent connection. Awaiting it is the
/// back-pressure: a caller that produces frames waits here instead of queueing them.
/// </summary>
internal interface IEnvelopeSender
{
    ValueTask SendAsync(Envelope envelope, CancellationToken cancellationToken);
}
