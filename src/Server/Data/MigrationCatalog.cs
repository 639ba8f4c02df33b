using System.Globalization;

namespace GuruConnect.Server.Data;

/// <summary>Loads the embedded <c>Data/Migrations/{Provider}/NNNN_name.sql</c> scripts in version order.</summary>
internal static class MigrationCatalog
{
    public static IReadOnlyList<Migration> Load(DatabaseProvider provider)
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        var prefix = $"Migrations/{provider}/";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = resource[prefix.Length..^4];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(fileName[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' must be named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migrations for {provider} must be numbered 1..n without gaps; found {migrations[i].Label}.");
            }
        }

        return migrations;
    }
}
