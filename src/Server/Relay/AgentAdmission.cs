using GuruConnect.Server.Machines;

namespace GuruConnect.Server.Relay;

/// <summary>The agent plane's decision before the upgrade (spec 02 "Agent plane" table).</summary>
internal sealed record AgentAdmission(AgentAdmissionKind Kind, MachineKeyMatch? Key = null, string Reason = "")
{
    public static AgentAdmission Refused(string reason) => new(AgentAdmissionKind.Refused, Reason: reason);

    public bool IsAccepted => Kind is AgentAdmissionKind.MachineKey or AgentAdmissionKind.SharedKey;
}
