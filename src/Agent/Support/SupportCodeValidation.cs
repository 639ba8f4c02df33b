namespace GuruConnect.Agent.Support;

/// <summary>The body of a 200 from <c>GET /api/codes/{code}/validate</c>.</summary>
internal sealed record SupportCodeValidation(bool? Valid);
