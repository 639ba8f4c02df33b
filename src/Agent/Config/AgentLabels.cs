namespace GuruConnect.Agent.Config;

/// <summary>Machine labels the site installer sets; sent as-is with enrollment (spec 01).</summary>
internal sealed record AgentLabels(
    string? Company = null,
    string? Site = null,
    string? Department = null,
    string? DeviceType = null,
    IReadOnlyList<string>? Tags = null);
