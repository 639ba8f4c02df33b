using GuruConnect.Server.Machines;

namespace GuruConnect.Server.Enrollment;

/// <summary>An enrollment request after step 1 of docs/api.md "Enrollment": required fields trimmed and bounded.</summary>
internal sealed record ValidEnrollRequest(string SiteCode, string EnrollmentKey, string MachineUid, string Hostname, EnrollLabels? Labels)
{
    public const int MaxUid = 128;
    public const int MaxHostname = 255;

    public static Dictionary<string, string[]> Validate(EnrollRequest request, out ValidEnrollRequest? valid)
    {
        var errors = new Dictionary<string, string[]>();
        var siteCode = Required("siteCode", request.SiteCode, 64);
        var key = Required("enrollmentKey", request.EnrollmentKey, 128);
        var uid = Required("machineUid", request.MachineUid, MaxUid);
        var hostname = Required("hostname", request.Hostname, MaxHostname);
        var labels = request.Labels;
        if (labels is not null)
        {
            foreach (var (field, messages) in MachineLabelRules.Check(null, labels.Company, labels.Site, labels.Department, labels.DeviceType, labels.Tags))
            {
                errors["labels." + field] = messages;
            }
        }

        valid = errors.Count == 0 ? new ValidEnrollRequest(siteCode!, key!, uid!, hostname!, Normalise(labels)) : null;
        return errors;

        string? Required(string field, string? value, int max)
        {
            var trimmed = value?.Trim();
            if (string.IsNullOrEmpty(trimmed))
            {
                errors[field] = ["Required."];
                return null;
            }

            if (trimmed.Length > max)
            {
                errors[field] = [$"At most {max} characters."];
                return null;
            }

            return trimmed;
        }
    }

    /// <summary>Empty strings in labels mean "not sent" (the site config file carries empty defaults).</summary>
    private static EnrollLabels? Normalise(EnrollLabels? labels) => labels is null
        ? null
        : new EnrollLabels(Blank(labels.Company), Blank(labels.Site), Blank(labels.Department), Blank(labels.DeviceType),
            labels.Tags is { Count: > 0 } tags ? tags : null);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
