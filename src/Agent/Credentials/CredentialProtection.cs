using GuruConnect.Agent.Identity;

namespace GuruConnect.Agent.Credentials;

/// <summary>
/// How this platform seals the machine key (docs/agent.md "Credential store"): DPAPI machine scope on
/// Windows, AES-GCM under a key derived from the machine's identity on Linux. Registered by Platform/.
/// </summary>
internal sealed class CredentialProtection(Func<MachineIdentity, ICredentialProtector> create)
{
    public ICredentialProtector For(MachineIdentity identity) => create(identity);

    public CredentialStore StoreFor(string stateDirectory, MachineIdentity identity) => new(stateDirectory, create(identity));
}
