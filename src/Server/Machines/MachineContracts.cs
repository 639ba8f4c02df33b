namespace GuruConnect.Server.Machines;

public sealed record MachineLabels(string? Company, string? Site, string? Department, string? DeviceType, IReadOnlyList<string> Tags);

public sealed record MachineSiteSummary(Guid Id, string SiteCode, string? DisplayName);

/// <summary>The list's inventory; <c>UserIdleSince</c> is null while the logged-on user is active (idle under a minute) or when the agent cannot tell.</summary>
public sealed record InventorySummary(string? OsName, string? OsVersion, string? LoggedOnUser, DateTimeOffset? UserIdleSince, IReadOnlyList<string> PrivateIps, string? ExternalIp);

public sealed record MachineInventoryResponse(
    string? OsName, string? OsVersion, string? CpuModel, int? CpuCores, long? RamBytes, string? Manufacturer, string? Model,
    string? SerialNumber, IReadOnlyList<string> PrivateIps, IReadOnlyList<string> Macs, string? ExternalIp, string? LoggedOnUser,
    string? TimeZone, long? UptimeSeconds, bool? IsAdmin, DateTimeOffset? UserIdleSince);

/// <summary>A machine in the list.</summary>
public sealed record MachineSummary(
    Guid Id, string Hostname, string? DisplayName, string? MachineUid, string? UidScope, MachineLabels Labels, MachineSiteSummary? Site,
    string EnrollmentState, bool Online, DateTimeOffset? LastSeen, string? AgentVersion, int ViewerCount,
    IReadOnlyList<ActiveViewer> ActiveViewers, InventorySummary Inventory);

/// <summary>A machine with everything known about it.</summary>
public sealed record MachineDetail(
    Guid Id, string Hostname, string? DisplayName, string? MachineUid, string? UidScope, MachineLabels Labels, MachineSiteSummary? Site,
    string EnrollmentState, string? PendingHostname, bool Online, DateTimeOffset? LastSeen, string? AgentVersion, int ViewerCount,
    IReadOnlyList<ActiveViewer> ActiveViewers, MachineInventoryResponse Inventory, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record UpdateMachineRequest(string? DisplayName, string? Company, string? Site, string? Department, string? DeviceType, IReadOnlyList<string>? Tags);

public sealed record BulkDeleteRequest(IReadOnlyList<string>? Ids);

public sealed record BulkDeleteResponse(IReadOnlyList<Guid> Removed, IReadOnlyList<Guid> NotFound, IReadOnlyList<string> Invalid);

public sealed record IssuedKeyResponse(Guid KeyId, string Key);

internal static class MachineResponses
{
    private static string[] Split(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static MachineLabels Labels(this MachineRecord m) => new(m.Company, m.SiteLabel, m.Department, m.DeviceType, m.TagList);

    public static MachineSummary ToSummary(this MachineListRow row, MachinePresence presence)
    {
        var m = row.Machine;
        var viewers = presence.ViewersOf(m.Id);
        return new MachineSummary(
            m.Id, m.Hostname, m.DisplayName, m.MachineUid, m.UidScope, m.Labels(), row.Site.ToSummary(), m.EnrollmentState,
            presence.IsOnline(m.Id), m.LastSeen, m.AgentVersion, viewers.Count, viewers,
            new InventorySummary(m.OsName, m.OsVersion, m.LoggedOnUser, m.UserIdleSince, Split(m.PrivateIps), m.ExternalIp));
    }

    public static MachineDetail ToDetail(this MachineRecord m, MachineSiteRef? site, MachinePresence presence)
    {
        var viewers = presence.ViewersOf(m.Id);
        return new MachineDetail(
            m.Id, m.Hostname, m.DisplayName, m.MachineUid, m.UidScope, m.Labels(), site.ToSummary(), m.EnrollmentState, m.PendingHostname,
            presence.IsOnline(m.Id), m.LastSeen, m.AgentVersion, viewers.Count, viewers,
            new MachineInventoryResponse(
                m.OsName, m.OsVersion, m.CpuModel, m.CpuCores, m.RamBytes, m.Manufacturer, m.Model, m.SerialNumber,
                Split(m.PrivateIps), Split(m.Macs), m.ExternalIp, m.LoggedOnUser, m.TimeZone, m.UptimeSeconds, m.IsAdmin, m.UserIdleSince),
            m.CreatedAt, m.UpdatedAt);
    }

    private static MachineSiteSummary? ToSummary(this MachineSiteRef? site) =>
        site?.SiteRefId is { } id ? new MachineSiteSummary(id, site.SiteCode ?? string.Empty, site.SiteDisplayName) : null;
}
