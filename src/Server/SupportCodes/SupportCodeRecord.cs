namespace GuruConnect.Server.SupportCodes;

/// <summary>A row of <c>support_codes</c>.</summary>
internal sealed record SupportCodeRecord
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public string Code { get; init; } = string.Empty;
    public string State { get; init; } = SupportCodeStates.Live;
    public string? Note { get; init; }
    public Guid CreatedBy { get; init; }
    public string CreatedByName { get; init; } = string.Empty;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public Guid? SessionId { get; init; }
}

/// <summary>The <c>state</c> column: a code is <c>live</c> until it starts its one session, is cancelled or expires.</summary>
internal static class SupportCodeStates
{
    public const string Live = "live";
    public const string Used = "used";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
}
