namespace GuruConnect.Server.SupportCodes;

/// <summary><c>POST /api/codes</c>: an optional note for the technician's own list (e.g. the caller's name).</summary>
public sealed record CreateSupportCodeRequest(string? Note);

/// <summary>A new code: read it to the end user; it starts one session within 30 minutes.</summary>
public sealed record SupportCodeCreatedResponse(string Code, DateTimeOffset ExpiresAt);

/// <summary>A live code in <c>GET /api/codes</c>.</summary>
public sealed record SupportCodeResponse(string Code, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, string CreatedBy, string? Note);

/// <summary><c>GET /api/codes/{code}/validate</c> for a live code.</summary>
public sealed record SupportCodeValidResponse(bool Valid);
