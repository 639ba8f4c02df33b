using GuruConnect.Agent.Platform.Windows;

namespace GuruConnect.Agent.Platform;

/// <summary>The state folder holds the machine credential: owner-only on Linux, SYSTEM + Administrators on Windows.</summary>
internal static class SecureDirectory
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Ensure(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            WindowsFolderAcl.RestrictToSystemAndAdministrators(directory);
            return;
        }

        Directory.CreateDirectory(directory, OwnerOnly);
        // An existing folder keeps whatever mode it had; tighten it.
        File.SetUnixFileMode(directory, OwnerOnly);
    }
}
