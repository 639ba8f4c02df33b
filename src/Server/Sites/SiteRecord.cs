namespace GuruConnect.Server.Sites;

internal sealed record SiteRecord
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public string SiteCode { get; init; } = string.Empty;
    public string? DisplayName { get; init; }
    public string? Company { get; init; }
    public string EnrollmentPolicy { get; init; } = "auto-approve";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The active enrollment key of a site as enrollment needs it: hash and version, never the secret.</summary>
internal sealed record ActiveEnrollmentKey(Guid SiteId, string SiteCode, Guid KeyId, int Version, string KeyHash, string Fingerprint);
