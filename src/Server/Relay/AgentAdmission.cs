using GuruConnect.Server.Machines;
using GuruConnect.Server.SupportCodes;

namespace GuruConnect.Server.Relay;

/// <summary>The agent plane's decision before the upgrade (docs/protocol.md "Agent plane" table).</summary>
internal sealed record AgentAdmission(AgentAdmissionKind Kind, MachineKeyMatch? Key = null, string Reason = "")
{
    /// <summary>The code a support agent used (already consumed for <see cref="SupportSessionId"/> on a WebSocket request).</summary>
    public SupportCodeRecord? SupportCode { get; init; }

    /// <summary>The id of the support session this code starts (a support session has no machine row).</summary>
    public Guid SupportSessionId { get; init; }

    public TimeSpan RetryAfter { get; init; }

    public static AgentAdmission Refused(string reason) => new(AgentAdmissionKind.Refused, Reason: reason);

    public bool IsAccepted => Kind is AgentAdmissionKind.MachineKey or AgentAdmissionKind.SharedKey or AgentAdmissionKind.SupportCode;
}
