using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace GuruConnect.Agent.Identity;

/// <summary>
/// Computes <c>machine_uid</c> exactly as docs/agent.md "Machine identity" fixes it:
/// <c>hex(SHA-256("guruconnect-machine-uid-v1\n" + signals joined by "\n"))</c>, lowercase.
/// Changing the prefix, the order or the normalisation changes every machine's uid; the golden
/// vector in the tests pins it.
/// </summary>
internal sealed class IdentityProvider(IHardwareInfo hardware)
{
    public const string UidPrefix = "guruconnect-machine-uid-v1\n";

    // Placeholders firmware vendors ship instead of a real value. Compared after normalisation.
    private static readonly FrozenSet<string> JunkValues = FrozenSet.Create(
        StringComparer.Ordinal,
        "TO BE FILLED BY O.E.M.",
        "TO BE FILLED BY O.E.M",
        "DEFAULT STRING",
        "NONE",
        "NOT SPECIFIED",
        "NOT APPLICABLE",
        "NOT AVAILABLE",
        "N/A",
        "SYSTEM SERIAL NUMBER",
        "BASE BOARD SERIAL NUMBER",
        "CHASSIS SERIAL NUMBER",
        "O.E.M.",
        "0123456789",
        "123456789");

    public async Task<MachineIdentity> GetIdentityAsync(CancellationToken cancellationToken)
    {
        var signals = await hardware.ReadIdentitySignalsAsync(cancellationToken);
        return Compute(signals);
    }

    public static MachineIdentity Compute(IdentitySignals signals)
    {
        string?[] candidates = [Normalize(signals.SystemUuid), Normalize(signals.BoardSerial), Normalize(signals.DiskSerial)];
        var hardwareSignals = candidates.OfType<string>().ToArray();
        if (hardwareSignals.Length > 0)
        {
            return new MachineIdentity(HashUid(hardwareSignals), IdentityScope.Hardware, hardwareSignals);
        }

        var osInstallId = Normalize(signals.OsInstallId);
        if (osInstallId is not null)
        {
            string[] osSignals = [osInstallId];
            return new MachineIdentity(HashUid(osSignals), IdentityScope.OsScoped, osSignals);
        }

        throw new MachineIdentityException(
            "No machine identity is available: no hardware identifier (SMBIOS system UUID, baseboard serial, " +
            "disk serial) and no OS install id could be read. On Linux run the agent as root (the DMI files are " +
            "readable by root only) and make sure /etc/machine-id exists (`systemd-machine-id-setup`); on Windows " +
            "check that the WMI service (winmgmt) is running.");
    }

    /// <summary>Trimmed and upper-cased, or null when empty or a known placeholder.</summary>
    public static string? Normalize(string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        var value = raw.Trim().Trim('\0').Trim().ToUpperInvariant();
        if (value.Length == 0 || JunkValues.Contains(value) || IsRepeatedPlaceholder(value))
        {
            return null;
        }

        return value;
    }

    public static string HashUid(IReadOnlyList<string> signals)
    {
        var input = UidPrefix + string.Join('\n', signals);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(input));
        return Convert.ToHexStringLower(hash);
    }

    // All zeros or all F once separators are ignored: 00000000-0000-…, FFFFFFFF-FFFF-…, "0".
    private static bool IsRepeatedPlaceholder(string value)
    {
        var digits = value.Where(c => c is not ('-' or ' ' or ':' or '.')).ToArray();
        return digits.Length == 0 || digits.All(c => c == '0') || digits.All(c => c == 'F');
    }
}
