namespace GuruConnect.Server.Enrollment;

/// <summary>Every way an enrollment ends (spec 01 "Enrollment" decision list).</summary>
internal abstract record EnrollOutcome
{
    public sealed record RateLimited(TimeSpan RetryAfter) : EnrollOutcome;

    public sealed record Rejected(string Reason) : EnrollOutcome;

    public sealed record SiteConflict(Guid MachineId) : EnrollOutcome;

    public sealed record Pending(Guid MachineId) : EnrollOutcome;

    public sealed record Enrolled(Guid MachineId, string Key, string Disposition) : EnrollOutcome;
}
