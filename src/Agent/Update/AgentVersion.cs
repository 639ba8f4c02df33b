using System.Globalization;

namespace GuruConnect.Agent.Update;

/// <summary>
/// A release version as Directory.Build.props writes it: <c>major.minor.patch</c>, optionally
/// <c>-prerelease</c> (SemVer 2.0 precedence: 1.0.0-beta &lt; 1.0.0), build metadata after <c>+</c> ignored.
/// </summary>
internal sealed record AgentVersion(int Major, int Minor, int Patch, string[] Prerelease) : IComparable<AgentVersion>
{
    public static AgentVersion? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64)
        {
            return null;
        }

        var core = text.Trim().Split('+')[0];
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        var numbers = (dash < 0 ? core : core[..dash]).Split('.');
        var prerelease = dash < 0 ? [] : core[(dash + 1)..].Split('.');
        if (numbers.Length != 3 || prerelease.Any(p => p.Length == 0 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return null;
        }

        var parts = new int[3];
        for (var i = 0; i < 3; i++)
        {
            if (numbers[i].Length == 0 || !numbers[i].All(char.IsAsciiDigit)
                || !int.TryParse(numbers[i], NumberStyles.None, CultureInfo.InvariantCulture, out parts[i]))
            {
                return null;
            }
        }

        return new AgentVersion(parts[0], parts[1], parts[2], prerelease);
    }

    public int CompareTo(AgentVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var core = (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));
        if (core != 0)
        {
            return core;
        }

        // A release outranks its prereleases; prereleases compare identifier by identifier.
        if (Prerelease.Length == 0 || other.Prerelease.Length == 0)
        {
            return Math.Sign(other.Prerelease.Length.CompareTo(Prerelease.Length));
        }

        for (var i = 0; i < Math.Min(Prerelease.Length, other.Prerelease.Length); i++)
        {
            var a = Prerelease[i];
            var b = other.Prerelease[i];
            var aNumeric = a.All(char.IsAsciiDigit);
            var bNumeric = b.All(char.IsAsciiDigit);
            var step = (aNumeric, bNumeric) switch
            {
                (true, true) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(a, b),
            };
            if (step != 0)
            {
                return Math.Sign(step);
            }
        }

        return Prerelease.Length.CompareTo(other.Prerelease.Length);
    }

    public override string ToString() =>
        Prerelease.Length == 0 ? $"{Major}.{Minor}.{Patch}" : $"{Major}.{Minor}.{Patch}-{string.Join('.', Prerelease)}";

    public bool Equals(AgentVersion? other) => other is not null && CompareTo(other) == 0;

    public override int GetHashCode() => HashCode.Combine(Major, Minor, Patch, string.Join('.', Prerelease));
}
