using GuruConnect.Agent.Config;
using GuruConnect.Protocol;

namespace GuruConnect.Agent.Enrollment;

/// <summary>Body of <c>POST /api/enroll</c>, field names exactly as docs/api.md.</summary>
internal sealed record EnrollmentRequest(
    string SiteCode,
    string EnrollmentKey,
    string MachineUid,
    string Hostname,
    AgentLabels? Labels)
{
    // Records print every property; this one must never print the key.
    public override string ToString() =>
        $"EnrollmentRequest {{ SiteCode = {SiteCode}, EnrollmentKey = cek_… ({KeyFingerprint.Of(EnrollmentKey)}), MachineUid = {MachineUid}, Hostname = {Hostname} }}";
}
