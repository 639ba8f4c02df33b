using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// README.md's commands, taken from the README itself and run as written (only the address is the free port
/// the test picked, through the documented GURUCONNECT_URLS): Run → /healthz, the login command → a token
/// the API accepts, and "Connect a machine"'s curl → the site's installer with the agent inside. Reuses what
/// is built: the agents of artifacts/test-downloads (Releases__Directory, which scripts/run.sh honours) and
/// the built console (scripts/lib.sh build_console skips a fresh one), so under CI the start is a no-op
/// build plus the server's start. If the README changes, this runs the new commands.
/// </summary>
public sealed partial class ReadmeTests
{
    [Fact]
    public async Task The_readmes_run_login_and_installer_commands_work_as_written()
    {
        var downloads = Downloads.OrSkip();
        var root = Downloads.RepositoryRoot();
        var readme = await File.ReadAllTextAsync(Path.Combine(root, "README.md"));
        var blocks = BashBlock().Matches(readme).Select(m => m.Groups[1].Value).ToList();
        var run = blocks.Single(b => b.Contains("./scripts/run.sh", StringComparison.Ordinal));
        var login = blocks.Single(b => b.Contains("/api/auth/login", StringComparison.Ordinal));
        var installer = blocks.Single(b => b.Contains("/installer", StringComparison.Ordinal));
        const string documented = "http://127.0.0.1:8080";
        login.ShouldContain(documented);
        installer.ShouldContain(documented);

        using var work = new Scratch();
        var url = $"http://127.0.0.1:{FreePort()}";
        var environment = new Dictionary<string, string>
        {
            ["GURUCONNECT_URLS"] = url,
            ["GURUCONNECT_DATA_DIR"] = work.Combine("data"),
            ["Releases__Directory"] = downloads,
        };
        using var server = Shell.Start(run, root, environment);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
            await WaitForHealthAsync(http, server, TimeSpan.FromMinutes(6));

            // The login block sets TOKEN and lists the machines with it; then the site and "Connect a machine"'s curl.
            var script = new StringBuilder()
                .AppendLine("set -e")
                .AppendLine(login.Replace(documented, url, StringComparison.Ordinal))
                .AppendLine("echo \"TOKEN_LENGTH=${#TOKEN}\"")
                .AppendLine($"SITE_ID=$(curl -s {url}/api/sites -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' " +
                    "-d '{\"siteCode\":\"ACME-PHX\"}' | sed 's/.*\"id\":\"\\([^\"]*\\)\".*/\\1/')")
                .AppendLine(installer.Replace(documented, url, StringComparison.Ordinal))
                .ToString();
            var said = await Shell.RunAsync(script, work.Path, TimeSpan.FromMinutes(2));

            said.ShouldContain("\"items\":", customMessage: said); // GET /api/machines answered with the token
            said.ShouldNotContain("TOKEN_LENGTH=0", customMessage: said);
            var built = Directory.GetFiles(work.Path, "GuruConnect-ACME-PHX-v1-*.sh").ShouldHaveSingleItem(said);
            var bytes = await File.ReadAllBytesAsync(built);
            var agent = await File.ReadAllBytesAsync(Path.Combine(downloads, "linux-x64", "guruconnect-agent"));
            bytes.AsSpan()[^agent.Length..].SequenceEqual(agent).ShouldBeTrue("the installer carries the published agent unchanged");
            Encoding.UTF8.GetString(bytes, 0, 4096).ShouldContain("Front desk"); // the README's label
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static async Task WaitForHealthAsync(HttpClient http, Process server, TimeSpan within)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < within)
        {
            server.HasExited.ShouldBeFalse($"scripts/run.sh ended with {(server.HasExited ? server.ExitCode : 0)}:\n{Shell.OutputOf(server)}");
            try
            {
                using var health = await http.GetAsync("/healthz");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(500);
        }

        throw new ShouldAssertException($"no /healthz within {within}:\n{Shell.OutputOf(server)}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    /// <summary>bash with the README's text as its script.</summary>
    private static class Shell
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, StringBuilder> Outputs = new();

        public static Process Start(string script, string directory, IReadOnlyDictionary<string, string> environment)
        {
            var start = new ProcessStartInfo("bash", ["-c", script])
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            var process = Process.Start(start)!;
            var output = new StringBuilder();
            Outputs.Add(process, output);
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        public static string OutputOf(Process process)
        {
            var output = Outputs.TryGetValue(process, out var o) ? o : new StringBuilder();
            lock (output)
            {
                return output.ToString();
            }
        }

        public static async Task<string> RunAsync(string script, string directory, TimeSpan within)
        {
            using var process = Start(script, directory, new Dictionary<string, string>());
            using var timeout = new CancellationTokenSource(within);
            await process.WaitForExitAsync(timeout.Token);
            process.WaitForExit(); // the output events drain
            var output = OutputOf(process);
            process.ExitCode.ShouldBe(0, output);
            return output;
        }

        private static void Append(StringBuilder output, string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }
    }
}
