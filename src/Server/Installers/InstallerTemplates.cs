using System.Text;

namespace GuruConnect.Server.Installers;

/// <summary>The templates in packaging/installers, embedded in the server at build time (one copy for every tool).</summary>
internal static class InstallerTemplates
{
    public static string Read(string name)
    {
        using var stream = typeof(InstallerTemplates).Assembly.GetManifestResourceStream("Installers/" + name)
            ?? throw new InvalidOperationException($"installer template {name} is not embedded (packaging/installers/{name})");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Replaces each <c>{{NAME}}</c>; a placeholder left over is a bug, not a silent empty value.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        var builder = new StringBuilder(template);
        foreach (var (name, value) in values)
        {
            builder.Replace("{{" + name + "}}", value);
        }

        var text = builder.ToString();
        var left = text.IndexOf("{{", StringComparison.Ordinal);
        return left < 0 ? text : throw new InvalidOperationException($"installer template has an unfilled placeholder near '{text.Substring(left, Math.Min(30, text.Length - left))}'");
    }

    /// <summary>A value that goes into a comment or a one-line field: control characters (newlines) would break out of it.</summary>
    public static string OneLine(string value) => new([.. value.Where(c => !char.IsControl(c))]);
}
