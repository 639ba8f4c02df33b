using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace GuruConnect.Agent.Platform.Windows;

/// <summary>docs/agent.md: the credential folder is readable by SYSTEM and Administrators only.</summary>
[SupportedOSPlatform("windows")]
internal static class WindowsFolderAcl
{
    public static void RestrictToSystemAndAdministrators(string directory)
    {
        var security = new DirectorySecurity();
        // Drop inherited entries (ProgramData grants Users read) and keep only ours.
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        const InheritanceFlags inherit = InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit;
        foreach (var sid in new[] { WellKnownSidType.LocalSystemSid, WellKnownSidType.BuiltinAdministratorsSid })
        {
            security.AddAccessRule(new FileSystemAccessRule(
                new SecurityIdentifier(sid, domainSid: null),
                FileSystemRights.FullControl,
                inherit,
                PropagationFlags.None,
                AccessControlType.Allow));
        }

        new DirectoryInfo(directory).SetAccessControl(security);
    }
}
