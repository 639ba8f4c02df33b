using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Platform.Windows;

namespace GuruConnect.Agent.Credentials;

internal static class CredentialProtectors
{
    public static ICredentialProtector ForCurrentPlatform(MachineIdentity identity) =>
        OperatingSystem.IsWindows() ? new DpapiCredentialProtector() : new IdentityKeyedProtector(identity);
}
