using System.Diagnostics;
using System.Text;

namespace GuruConnect.Console.Tests;

/// <summary>Paths in the repository and a way to run its Node tooling from a test.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Web => Path.Combine(Root, "src", "Web");

    /// <summary>Where the suite keeps screenshots: <c>artifacts/test-results/console</c> (scripts/test.sh's results folder).</summary>
    public static string Output
    {
        get
        {
            var path = Path.Combine(Root, "artifacts", "test-results", "console");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    /// <summary>The console's packages, or a skip with the reason (scripts/test.sh runs <c>npm ci</c> first).</summary>
    public static void RequireNodeModules()
    {
        if (!Directory.Exists(Path.Combine(Web, "node_modules")))
        {
            Assert.Skip("src/Web/node_modules is missing: run `npm ci` in src/Web (scripts/test.sh does it through build_console).");
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["CI"] = "1";
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new ShouldAssertException($"{fileName} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0} s:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, output.Append(await stdout).Append(await stderr).ToString());
    }

    private static string FindRoot()
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
