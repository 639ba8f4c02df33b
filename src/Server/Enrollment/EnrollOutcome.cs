namespace GuruConnect.Server.Enrollment;

/// <summary>Every way an enrollment ends (docs/api.md "Enrollment" decision list).</summary>
internal abstract record EnrollOutcome
{
    public sealed record RateLimited(TimeSpan RetryAfter) : EnrollOutcome;

    public sealed record Rejected(string Reason) : EnrollOutcome;

    public sealed record SiteConflict(Guid MachineId) : EnrollOutcome;

    public sealed record Pending(Guid MachineId) : EnrollOutcome;

    /// <summary><paramref name="RevokedKeys"/>: the machine's older keys a re-enroll revoked (one active key per machine).</summary>
    public sealed record Enrolled(Guid MachineId, string Key, string Disposition, IReadOnlyList<Guid>? RevokedKeys = null) : EnrollOutcome;
}
