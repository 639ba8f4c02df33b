using System.Text;

namespace GuruConnect.Server.Releases;

/// <summary>
/// CHANGELOG.md (embedded at build time, so the served changelog is the one this build shipped with),
/// parsed into <c>## version</c> sections and their <c>### group</c> bullet lists.
/// </summary>
internal sealed class Changelog
{
    private readonly Lazy<IReadOnlyList<ChangelogEntry>> entries = new(() => Parse(ReadEmbedded()));

    public IReadOnlyList<ChangelogEntry> Entries => entries.Value;

    public ChangelogEntry? Find(string version) =>
        Entries.FirstOrDefault(e => string.Equals(e.Version, version.TrimStart('v', 'V'), StringComparison.OrdinalIgnoreCase));

    public static IReadOnlyList<ChangelogEntry> Parse(string markdown)
    {
        var result = new List<ChangelogEntry>();
        string? version = null, date = null, group = null;
        var groups = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var body = new StringBuilder();
        List<string>? bullets = null;

        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                // "## 0.2.0 — 2026-12-02", "## [0.2.0] - 2026-12-02" or "## Unreleased"
                var title = line[3..].Trim();
                var parts = title.Split([' ', '—', '–'], 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                version = parts[0].Trim('[', ']').TrimStart('v');
                date = parts.Length > 1 ? parts[1].Trim(' ', '-', '—', '–', '(', ')') : null;
                continue;
            }

            if (version is null)
            {
                continue;
            }

            body.Append(line).Append('\n');
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                group = line[4..].Trim();
                bullets = [];
                groups[group] = bullets;
            }
            else if (line.StartsWith("- ", StringComparison.Ordinal) && bullets is not null)
            {
                bullets.Add(line[2..].Trim());
            }
            else if (line.StartsWith("  ", StringComparison.Ordinal) && bullets is { Count: > 0 } && line.Trim().Length > 0)
            {
                bullets[^1] += " " + line.Trim(); // a wrapped bullet
            }
        }

        Flush();
        return result;

        void Flush()
        {
            if (version is not null)
            {
                result.Add(new ChangelogEntry(version, string.IsNullOrEmpty(date) ? null : date, groups, body.ToString().Trim()));
            }

            groups = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            body.Clear();
            bullets = null;
            group = null;
        }
    }

    private static string ReadEmbedded()
    {
        using var stream = typeof(Changelog).Assembly.GetManifestResourceStream("CHANGELOG.md");
        if (stream is null)
        {
            return string.Empty;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
