namespace GuruConnect.Agent.Platform;

/// <summary>Facts about this computer and process that the commands branch on; a test states its own.</summary>
/// <param name="HostName">The name the console shows for this machine.</param>
/// <param name="IsPrivileged">Root, or an elevated administrator.</param>
/// <param name="IdentityNeedsPrivilege">
/// Only root reads the hardware identity signals (Linux: the DMI files are 0400), so a normal user
/// would compute a different machine uid.
/// </param>
internal sealed record LocalMachine(string HostName, bool IsPrivileged, bool IdentityNeedsPrivilege)
{
    public static LocalMachine Current(bool identityNeedsPrivilege) =>
        new(Environment.MachineName, Environment.IsPrivilegedProcess, identityNeedsPrivilege);
}
