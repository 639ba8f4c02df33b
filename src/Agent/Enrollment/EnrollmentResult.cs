using GuruConnect.Protocol;

namespace GuruConnect.Agent.Enrollment;

/// <summary>
/// Every way <c>POST /api/enroll</c> can end. Expected outcomes are values, not exceptions;
/// each carries a message written for the person reading the console or the journal.
/// </summary>
internal abstract record EnrollmentResult(string Message)
{
    /// <summary>201 (new machine) or 200 (reuse): the machine key to store.</summary>
    public sealed record Enrolled(Guid MachineId, string Key, string Disposition)
        : EnrollmentResult($"Enrolled as machine {MachineId} ({Disposition}).")
    {
        public override string ToString() =>
            $"Enrolled {{ MachineId = {MachineId}, Disposition = {Disposition}, Key = cak_… ({KeyFingerprint.Of(Key)}) }}";
    }

    /// <summary>202: an admin must approve this machine in the console first.</summary>
    public sealed record Pending(Guid? MachineId, string Message) : EnrollmentResult(Message);

    /// <summary>401 <c>ENROLL_REJECTED</c>: unknown site, no active key, or a wrong key.</summary>
    public sealed record Rejected(string Message, string? TraceId) : EnrollmentResult(Message);

    /// <summary>409 <c>ENROLL_SITE_CONFLICT</c>: this hardware is bound to another site.</summary>
    public sealed record SiteConflict(string Message, string? TraceId) : EnrollmentResult(Message);

    /// <summary>429 <c>RATE_LIMITED</c>, with the server's Retry-After when it sent one.</summary>
    public sealed record RateLimited(TimeSpan? RetryAfter, string Message) : EnrollmentResult(Message);

    /// <summary>400 <c>INVALID_REQUEST</c>.</summary>
    public sealed record InvalidRequest(string Message, string? TraceId) : EnrollmentResult(Message);

    /// <summary>No HTTP answer: DNS, TCP, TLS or a timeout.</summary>
    public sealed record Unreachable(string Message) : EnrollmentResult(Message);

    /// <summary>Any other answer (5xx, 404 from a wrong URL, a malformed body).</summary>
    public sealed record Failed(int StatusCode, string? Code, string Message, string? TraceId) : EnrollmentResult(Message);
}
