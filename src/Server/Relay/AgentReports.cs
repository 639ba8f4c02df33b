using System.Text;
using GuruConnect.Protocol.V1;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Machines;

namespace GuruConnect.Server.Relay;

/// <summary>
/// Turns what an agent says about itself into bounded column values. An agent is authenticated but
/// not trusted with sizes or content: strings lose their control characters (U+0000 among them, which
/// PostgreSQL cannot store and SQLite would keep) and are trimmed and capped, lists limited, unknown enums
/// dropped. Display text is sanitised rather than refused: a machine whose hostname or logged-on user has
/// an odd character keeps working instead of being closed on every reconnect. The machine uid is an
/// identifier, so one with a control character is not usable at all (docs/security.md "Hardening findings").
/// </summary>
internal static class AgentReports
{
    public const int MaxUidLength = 128;
    private const int MaxText = 255;
    private const int MaxListItems = 64;
    private const int MaxListItemLength = 64;

    public static string? Hostname(AgentHello hello) => Text(hello.Hostname);

    public static string? AgentVersion(AgentHello hello) => Text(hello.AgentVersion, 64);

    /// <summary>The stored form of the uid scope (the machines table's CHECK values), or null when unspecified.</summary>
    public static string? UidScope(AgentHello hello) => hello.MachineUidScope switch
    {
        MachineUidScope.Hardware => "hardware",
        MachineUidScope.OsScoped => "os-scoped",
        _ => null,
    };

    /// <summary>The claimed uid if it is usable as a row key (bootstrap agents only), else null.</summary>
    public static string? MachineUid(AgentHello hello) =>
        hello.MachineUid.Trim() is { Length: > 0 and <= MaxUidLength } uid && TextInput.IsAcceptable(uid) ? uid : null;

    /// <summary>
    /// Reports of a user idle under <see cref="IdleThreshold"/> count as "active" (no idle-since): the
    /// agent re-reports when that flips (src/Agent/Inventory/InventorySnapshot.cs), not on every tick.
    /// </summary>
    public static readonly TimeSpan IdleThreshold = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan MaxIdle = TimeSpan.FromDays(366);

    public static MachineInventory Inventory(AgentStatus status, string externalIp, DateTimeOffset now) => new(
        Text(status.OsName),
        Text(status.OsVersion),
        Text(status.CpuModel),
        status.CpuCores == 0 ? null : (int)Math.Min(status.CpuCores, int.MaxValue),
        status.RamBytes == 0 ? null : (long)Math.Min(status.RamBytes, long.MaxValue),
        Text(status.Manufacturer),
        Text(status.Model),
        Text(status.Serial),
        List(status.PrivateIps),
        List(status.Macs),
        externalIp,
        Text(status.LoggedOnUser),
        Text(status.TimeZone, 64),
        (long)Math.Min(status.UptimeSeconds, long.MaxValue),
        status.IsAdmin,
        UserIdleSince(status.UserIdleSeconds, now));

    private static DateTimeOffset? UserIdleSince(uint seconds, DateTimeOffset now)
    {
        var idle = TimeSpan.FromSeconds(seconds);
        return idle < IdleThreshold ? null : now - (idle > MaxIdle ? MaxIdle : idle);
    }

    /// <summary><paramref name="value"/> without control characters and unpaired surrogates (the <see cref="TextInput"/> rule).</summary>
    public static string WithoutControlCharacters(string value)
    {
        if (TextInput.IsAcceptable(value))
        {
            return value;
        }

        var clean = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                clean.Append(c).Append(value[++i]);
            }
            else if (!char.IsControl(c) && !char.IsSurrogate(c))
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    private static string? Text(string value, int max = MaxText)
    {
        var trimmed = WithoutControlCharacters(value).Trim();
        return trimmed.Length == 0 ? null : trimmed.Length > max ? trimmed[..max] : trimmed;
    }

    private static List<string> List(IEnumerable<string> values) =>
        values.Select(v => Text(v, MaxListItemLength)).OfType<string>().Where(v => !v.Contains(' ', StringComparison.Ordinal)).Take(MaxListItems).ToList();
}
