namespace GuruConnect.Server.Machines;

/// <summary>Bounds on labels, shared by enrollment and the machines API (docs/api.md: tags ≤ 32 of ≤ 64 chars).</summary>
internal static class MachineLabelRules
{
    public const int MaxLabelLength = 128;
    public const int MaxTags = 32;
    public const int MaxTagLength = 64;

    public static Dictionary<string, string[]> Check(
        string? displayName, string? company, string? site, string? department, string? deviceType, IReadOnlyList<string>? tags)
    {
        var errors = new Dictionary<string, string[]>();
        void Bound(string field, string? value, int max = MaxLabelLength)
        {
            if (value is { Length: var length } && length > max)
            {
                errors[field] = [$"At most {max} characters."];
            }
        }

        Bound("displayName", displayName, 255);
        Bound("company", company);
        Bound("site", site);
        Bound("department", department);
        Bound("deviceType", deviceType);
        if (tags is not null)
        {
            if (tags.Count > MaxTags)
            {
                errors["tags"] = [$"At most {MaxTags} tags."];
            }
            else if (tags.Any(t => t is null || t.Length > MaxTagLength))
            {
                errors["tags"] = [$"Each tag is 1 to {MaxTagLength} characters."];
            }
        }

        return errors;
    }
}
