using System.Text.Json.Serialization;

namespace GuruConnect.Server.Enrollment;

public sealed record EnrollLabels(string? Company, string? Site, string? Department, string? DeviceType, IReadOnlyList<string>? Tags);

public sealed record EnrollRequest(string? SiteCode, string? EnrollmentKey, string? MachineUid, string? Hostname, EnrollLabels? Labels);

/// <summary>201/200/202 body. <c>key</c> is absent (not null) for a pending machine.</summary>
public sealed record EnrollResponse(
    Guid MachineId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key,
    string EnrollmentState,
    string Disposition);

internal static class Dispositions
{
    public const string New = "new";
    public const string Reuse = "reuse";
    public const string CollisionPending = "collision_pending";
}
