namespace GuruConnect.Server.Sites;

public sealed record CreateSiteRequest(string? SiteCode, string? DisplayName, string? Company);

public sealed record SiteKeySummary(int Version, string Fingerprint, string FingerprintLabel);

public sealed record SiteResponse(
    Guid Id, string SiteCode, string? DisplayName, string? Company, string EnrollmentPolicy, SiteKeySummary? CurrentKey,
    long MachineCount, DateTimeOffset CreatedAt);

public sealed record RotatedKeyResponse(Guid SiteId, string Key, int Version, string Fingerprint, string FingerprintLabel);

public sealed record EnrollmentKeyInfo(Guid SiteId, int Version, string Fingerprint, string FingerprintLabel, bool Active);
