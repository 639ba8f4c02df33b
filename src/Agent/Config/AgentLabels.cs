namespace GuruConnect.Agent.Config;

/// <summary>Machine labels the site installer sets; sent as-is with enrollment (docs/api.md).</summary>
internal sealed record AgentLabels(
    string? Company = null,
    string? Site = null,
    string? Department = null,
    string? DeviceType = null,
    IReadOnlyList<string>? Tags = null);
