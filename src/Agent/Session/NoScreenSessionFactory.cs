namespace GuruConnect.Agent.Session;

internal sealed class NoScreenSessionFactory : IRemoteSessionFactory
{
    public IRemoteSession Create(IEnvelopeSender sender) => new NoScreenSession(sender);
}
