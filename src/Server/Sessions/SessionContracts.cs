using System.Text.Json.Serialization;

namespace GuruConnect.Server.Sessions;

/// <summary>A session in <c>GET /api/sessions</c> (docs/api.md "Sessions").</summary>
public sealed record SessionResponse(
    Guid Id,
    Guid MachineId,
    string Kind,
    bool AgentOnline,
    IReadOnlyList<SessionViewerResponse> Viewers,
    DateTimeOffset StartedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SupportCode);

/// <summary>A viewer watching a session; <c>hasControl</c> marks the one holding input control.</summary>
public sealed record SessionViewerResponse(string ViewerId, string Username, DateTimeOffset Since, bool HasControl);

/// <summary><c>POST /api/sessions/{id}/viewer-token</c>: a single-use, 5-minute token for <c>/ws/viewer</c>.</summary>
public sealed record ViewerTokenResponse(string Token, DateTimeOffset ExpiresAt);
