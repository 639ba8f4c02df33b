using System.Text;
using System.Text.RegularExpressions;

namespace GuruConnect.Server.Installers;

/// <summary>The templates in packaging/installers, embedded in the server at build time (one copy for every tool).</summary>
internal static partial class InstallerTemplates
{
    public static string Read(string name)
    {
        using var stream = typeof(InstallerTemplates).Assembly.GetManifestResourceStream("Installers/" + name)
            ?? throw new InvalidOperationException($"installer template {name} is not embedded (packaging/installers/{name})");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Replaces each <c>{{NAME}}</c> of the template in one pass, so a value that itself contains braces (a
    /// label) is never read as a placeholder; a placeholder without a value is a bug, not a silent empty value.
    /// </summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(template, match => values.TryGetValue(match.Groups[1].Value, out var value)
            ? value
            : throw new InvalidOperationException($"installer template placeholder {match.Value} has no value"));

    /// <summary>A value that goes into a comment or a one-line field: control characters (newlines) would break out of it.</summary>
    public static string OneLine(string value) => new([.. value.Where(c => !char.IsControl(c))]);

    [GeneratedRegex(@"\{\{([A-Z0-9_]+)\}\}")]
    private static partial Regex Placeholder();
}
