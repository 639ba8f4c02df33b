namespace GuruConnect.Agent.Identity;

/// <summary>Raw identity values as the platform reports them; null when missing or unreadable.</summary>
internal sealed record IdentitySignals(
    string? SystemUuid,
    string? BoardSerial,
    string? DiskSerial,
    string? OsInstallId);
