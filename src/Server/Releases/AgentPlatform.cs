namespace GuruConnect.Server.Releases;

/// <summary>A platform the agent is built for, and the file name its build has in the downloads folder.</summary>
internal sealed record AgentPlatform(string Id, string FileName, bool IsWindows)
{
    public static readonly AgentPlatform WinX64 = new("win-x64", "guruconnect-agent.exe", true);
    public static readonly AgentPlatform LinuxX64 = new("linux-x64", "guruconnect-agent", false);

    public static IReadOnlyList<AgentPlatform> All { get; } = [WinX64, LinuxX64];

    /// <summary><c>win-x64</c> (downloads) and <c>windows-x64</c> (<c>/api/version</c>) name the same build.</summary>
    public static AgentPlatform? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "win-x64" or "windows-x64" or "windows" or "win" => WinX64,
        "linux-x64" or "linux" => LinuxX64,
        _ => null,
    };

    /// <summary>The visitor's OS from the browser's User-Agent: Windows gets the .exe, everything else the Linux build.</summary>
    public static AgentPlatform FromUserAgent(string? userAgent) =>
        userAgent is not null && userAgent.Contains("Windows", StringComparison.OrdinalIgnoreCase) ? WinX64 : LinuxX64;

    /// <summary>What the support agent is saved as: the agent reads the code back from this name (docs/agent.md "support").</summary>
    public string SupportFileName(string code) => IsWindows ? $"GuruConnect-{code}.exe" : $"guruconnect-support-{code}";
}
