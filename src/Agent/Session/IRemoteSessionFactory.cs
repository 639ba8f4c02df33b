namespace GuruConnect.Agent.Session;

/// <summary>Creates the <see cref="IRemoteSession"/> for each connection the transport opens.</summary>
internal interface IRemoteSessionFactory
{
    IRemoteSession Create(IEnvelopeSender sender);
}
