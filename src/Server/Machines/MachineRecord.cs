namespace GuruConnect.Server.Machines;

/// <summary>One <c>machines</c> row. Tags are stored as a JSON array text.</summary>
internal sealed record MachineRecord
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public Guid? SiteId { get; init; }
    public string? MachineUid { get; init; }
    public string? UidScope { get; init; }
    public string Hostname { get; init; } = string.Empty;
    public string? DisplayName { get; init; }
    public string? Company { get; init; }
    public string? SiteLabel { get; init; }
    public string? Department { get; init; }
    public string? DeviceType { get; init; }
    public string Tags { get; init; } = "[]";
    public string EnrollmentState { get; init; } = EnrollmentStates.Active;
    public string? PendingHostname { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
    public string? AgentVersion { get; init; }
    public string? OsName { get; init; }
    public string? OsVersion { get; init; }
    public string? CpuModel { get; init; }
    public int? CpuCores { get; init; }
    public long? RamBytes { get; init; }
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    public string? SerialNumber { get; init; }
    public string? PrivateIps { get; init; }
    public string? Macs { get; init; }
    public string? ExternalIp { get; init; }
    public string? LoggedOnUser { get; init; }
    public string? TimeZone { get; init; }
    public long? UptimeSeconds { get; init; }
    public bool? IsAdmin { get; init; }
    public DateTimeOffset? UserIdleSince { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? DeletedAt { get; init; }

    public bool IsRemoved => DeletedAt is not null;

    public IReadOnlyList<string> TagList => MachineTags.Parse(Tags);
}
