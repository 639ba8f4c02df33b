using System.Text.Json;

namespace GuruConnect.Server.Machines;

internal static class MachineTags
{
    public static IReadOnlyList<string> Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Trimmed, de-duplicated (case-insensitive), order kept.</summary>
    public static string Serialize(IEnumerable<string> tags) =>
        JsonSerializer.Serialize(tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList());
}
