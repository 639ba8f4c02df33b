using System.Runtime.InteropServices;

namespace GuruConnect.Agent.Update;

/// <summary>
/// The agent executable the service runs, which an update replaces, and the platform id its release
/// is published for (<c>linux-x64</c>, <c>win-x64</c>: the id the release signature covers).
/// </summary>
/// <param name="Path">The executable, or null when it cannot be replaced.</param>
/// <param name="Platform">The release platform id.</param>
/// <param name="Problem">Why not (run under <c>dotnet</c>, an unsupported OS), for the one log line.</param>
internal sealed record InstalledBinary(string? Path, string Platform, string? Problem)
{
    /// <summary>Beside the binary, kept after an update for the rollback (and a manual one).</summary>
    public string PreviousPath => PreviousPathOf(Path!);

    public static string PreviousPathOf(string path) => OperatingSystem.IsWindows()
        ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, System.IO.Path.GetFileNameWithoutExtension(path) + ".previous.exe")
        : path + ".previous";

    public static InstalledBinary OfThisProcess() => Of(Environment.ProcessPath);

    public static InstalledBinary Of(string? processPath)
    {
        var platform = OperatingSystem.IsWindows() ? "win-x64" : "linux-x64";
        if (RuntimeInformation.OSArchitecture != Architecture.X64 || !(OperatingSystem.IsWindows() || OperatingSystem.IsLinux()))
        {
            return new InstalledBinary(null, platform, $"no agent build is published for {RuntimeInformation.RuntimeIdentifier}");
        }

        if (string.IsNullOrEmpty(processPath))
        {
            return new InstalledBinary(null, platform, "the agent's own executable path is unknown");
        }

        var name = System.IO.Path.GetFileNameWithoutExtension(processPath);
        if (string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return new InstalledBinary(null, platform, "it runs under `dotnet` (a development build); only the published single-file agent replaces itself");
        }

        return new InstalledBinary(System.IO.Path.GetFullPath(processPath), platform, null);
    }
}
