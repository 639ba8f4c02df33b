namespace GuruConnect.Server.Machines;

/// <summary>
/// What an accepted enrollment writes to a machine row. Null labels were not sent: a new row
/// leaves them empty, a reused row keeps what it had.
/// </summary>
internal sealed record EnrollingMachine(
    string MachineUid, string Hostname, Guid SiteId, string? Company, string? SiteLabel, string? Department, string? DeviceType,
    IReadOnlyList<string>? Tags);
