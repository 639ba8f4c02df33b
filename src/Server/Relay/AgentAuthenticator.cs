using System.Security.Cryptography;
using System.Text;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Machines;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Relay;

/// <summary>
/// Decides who an agent is before the upgrade. The agent plane has no JWT branch (spec 05 #3): only a
/// <c>cak_</c> machine key, or the deprecated shared bootstrap key when configured, is ever accepted.
/// </summary>
internal sealed class AgentAuthenticator(MachineKeyStore keys, IOptions<RelayOptions> options)
{
    private readonly byte[]? sharedKeyHash = options.Value.SharedAgentKey is { Length: > 0 } shared
        ? SHA256.HashData(Encoding.UTF8.GetBytes(shared))
        : null;

    public async Task<AgentAdmission> AdmitAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.Query.ContainsKey("supportCode"))
        {
            // Attended support sessions arrive with the support-codes issue; until then no code is live.
            return AgentAdmission.Refused("support code (not available yet)");
        }

        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AgentAdmission.Refused("no bearer credential");
        }

        var credential = header["Bearer ".Length..].Trim();
        if (credential.StartsWith(SecretKeys.MachineKeyPrefix, StringComparison.Ordinal))
        {
            var match = await keys.AuthenticateAsync(credential, cancellationToken);
            return match switch
            {
                null => AgentAdmission.Refused("unknown or revoked machine key"),
                { IsRemoved: true } => AgentAdmission.Refused("machine removed"),
                { IsPending: true } => new AgentAdmission(AgentAdmissionKind.Pending, match, "machine pending approval"),
                _ => new AgentAdmission(AgentAdmissionKind.MachineKey, match),
            };
        }

        if (sharedKeyHash is not null &&
            CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(credential)), sharedKeyHash))
        {
            return new AgentAdmission(AgentAdmissionKind.SharedKey);
        }

        return AgentAdmission.Refused("not a machine key");
    }
}
