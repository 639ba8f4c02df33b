using GuruConnect.Agent.Identity;
using GuruConnect.Protocol;

namespace GuruConnect.Agent.Credentials;

/// <summary>What the transport needs to connect: where, with which machine key, as which machine.</summary>
internal sealed record AgentCredentials(Uri Server, string Key, MachineIdentity Identity)
{
    public override string ToString() =>
        $"AgentCredentials {{ Server = {Server}, Key = cak_… ({KeyFingerprint.Of(Key)}), MachineUid = {Identity.Uid} }}";
}
