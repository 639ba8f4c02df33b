namespace GuruConnect.Agent.Enrollment;

/// <summary>RFC 9457 problem+json as the server sends it (docs/api.md "Errors"); <c>code</c> is what we branch on.</summary>
internal sealed record ProblemDetailsBody(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    string? Code,
    string? TraceId,
    Dictionary<string, string[]>? Errors);
