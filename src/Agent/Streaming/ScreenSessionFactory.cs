using GuruConnect.Agent.Session;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Streaming;

/// <summary>One streaming <see cref="ScreenSession"/> per agent connection, on the platform's screen and input.</summary>
internal sealed class ScreenSessionFactory(IStreamingPlatform platform, TimeProvider time, ILogger<ScreenSession> logger) : IRemoteSessionFactory
{
    public IRemoteSession Create(IEnvelopeSender sender) => new ScreenSession(sender, platform, time, logger);
}
