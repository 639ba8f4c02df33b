namespace GuruConnect.EndToEnd.Tests;

/// <summary>How an <see cref="AgentProcess"/> is started.</summary>
internal sealed record AgentLauncher(string FileName, string? Program, Func<string, string> MapPath, IReadOnlyDictionary<string, string> Environment)
{
    public const string RequireWineVariable = "GURUCONNECT_REQUIRE_WINE";

    /// <summary>The Linux build: <c>dotnet artifacts/bin/GuruConnect.Agent/…/guruconnect-agent.dll</c>.</summary>
    public static AgentLauncher Dotnet { get; } = new("dotnet", null, path => path, new Dictionary<string, string>());

    /// <summary>
    /// How long one command (e.g. <c>enroll</c>) may take. Wine is slow on a loaded 2-core runner: a
    /// cold prefix, then WMI, which hangs under wine until the agent's own 20 s timeout.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The win-x64 self-contained publish under wine64 (paths become <c>Z:\…</c>), or a skip with the
    /// reason when wine64 or the publish is missing (a failure when <c>GURUCONNECT_REQUIRE_WINE=1</c>).
    /// </summary>
    public static AgentLauncher WineOrSkip()
    {
        var root = RepositoryRoot();
        var exe = Path.Combine(root, "artifacts", "publish", "agent-win-x64", "guruconnect-agent.exe");
        var wine = new[] { "/usr/lib/wine/wine64", "/usr/bin/wine64" }.FirstOrDefault(File.Exists);
        if (wine is null || !File.Exists(exe))
        {
            var reason = $"wine64 ({(wine is null ? "missing" : wine)}) and the win-x64 agent publish ({(File.Exists(exe) ? exe : "missing")}) are needed: scripts/test.sh prepares both.";
            if (System.Environment.GetEnvironmentVariable(RequireWineVariable) == "1")
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }

        var prefix = Path.Combine(root, "artifacts", "wineprefix");
        ResetWineServer(wine, prefix);
        return new AgentLauncher(wine, exe, path => "Z:" + path.Replace('/', '\\'), new Dictionary<string, string>
        {
            ["WINEPREFIX"] = prefix,
            ["WINEDEBUG"] = "-all",
        })
        {
            CommandTimeout = TimeSpan.FromSeconds(180),
        };
    }

    /// <summary>
    /// Stops the prefix's wineserver (and the explorer.exe desktop it holds) left by an earlier test.
    /// Wine sizes the desktop from the X display of the process that started the wineserver; a test
    /// that runs its agent on its own Xvfb would otherwise inherit a headless 1024×768 desktop from a
    /// test before it. The wine tests share one xUnit collection (SharedWinePrefix) so this never kills a
    /// neighbour's agent.
    /// </summary>
    public static void ResetWineServer(string wine, string prefix)
    {
        var server = Path.Combine(Path.GetDirectoryName(wine)!, "wineserver");
        if (!File.Exists(server))
        {
            return;
        }

        foreach (var argument in new[] { "-k", "-w" })
        {
            var info = new System.Diagnostics.ProcessStartInfo(server, argument) { UseShellExecute = false };
            info.Environment["WINEPREFIX"] = prefix;
            using var process = System.Diagnostics.Process.Start(info)!;
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill();
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GuruConnect.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("GuruConnect.slnx not found above " + AppContext.BaseDirectory);
    }
}
