using System.Security.Cryptography;
using System.Text;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Machines;
using GuruConnect.Server.SupportCodes;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Relay;

/// <summary>
/// Decides who an agent is before the upgrade. The agent plane has no JWT branch (docs/security.md §3): only a
/// <c>cak_</c> machine key, a live support code, or the deprecated shared bootstrap key when configured, is ever accepted.
/// </summary>
internal sealed class AgentAuthenticator(
    MachineKeyStore keys, SupportCodeStore supportCodes, SupportCodeGuard supportCodeGuard, IOptions<RelayOptions> options, TimeProvider time)
{
    private readonly byte[]? sharedKeyHash = options.Value.SharedAgentKey is { Length: > 0 } shared
        ? SHA256.HashData(Encoding.UTF8.GetBytes(shared))
        : null;

    public async Task<AgentAdmission> AdmitAsync(HttpRequest request, string ip, CancellationToken cancellationToken)
    {
        if (request.Query.TryGetValue("supportCode", out var supportCode))
        {
            return request.Headers.Authorization.Count > 0
                ? AgentAdmission.Refused("a support code and a bearer credential together")
                : await AdmitSupportCodeAsync(request, supportCode.ToString(), ip, cancellationToken);
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

    /// <summary>
    /// A support code is checked against the same per-IP guard as <c>/api/codes/{code}/validate</c>, and
    /// consumed only by a real WebSocket request (a plain GET must not burn the end user's code).
    /// </summary>
    private async Task<AgentAdmission> AdmitSupportCodeAsync(HttpRequest request, string code, string ip, CancellationToken cancellationToken)
    {
        var decision = supportCodeGuard.TryCheck(ip);
        if (!decision.Allowed)
        {
            return new AgentAdmission(AgentAdmissionKind.RateLimited, Reason: "too many wrong support codes") { RetryAfter = decision.RetryAfter };
        }

        var sessionId = Guid.CreateVersion7(time.GetUtcNow());
        SupportCodeRecord? used = null;
        var live = SupportCodeGuard.IsWellFormed(code) && (request.HttpContext.WebSockets.IsWebSocketRequest
            ? (used = await supportCodes.TryConsumeAsync(code, sessionId, cancellationToken)) is not null
            : await supportCodes.IsLiveAsync(code, cancellationToken));
        if (!live)
        {
            supportCodeGuard.Failed(ip);
            return AgentAdmission.Refused("support code not live");
        }

        if (used is not null)
        {
            supportCodeGuard.Used(ip);
        }

        return new AgentAdmission(AgentAdmissionKind.SupportCode) { SupportCode = used, SupportSessionId = sessionId };
    }
}
