namespace GuruConnect.Agent.Enrollment;

/// <summary>201/200/202 body of <c>POST /api/enroll</c> (docs/api.md); <c>key</c> is absent on 202.</summary>
internal sealed record EnrollmentResponse(
    Guid? MachineId,
    string? Key,
    string? EnrollmentState,
    string? Disposition)
{
    public override string ToString() =>
        $"EnrollmentResponse {{ MachineId = {MachineId}, Key = {(Key is null ? "none" : "cak_…")}, EnrollmentState = {EnrollmentState}, Disposition = {Disposition} }}";
}
