using System.Diagnostics;
using System.Text;

namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// The built server (<c>guruconnect-server.dll</c>, next to the tests under artifacts/bin) as a child process on
/// a port and a data folder of the test's choosing: what <c>kill -9</c>, a stopped database and a broken data
/// folder are done to. Its console is kept, one log entry per line, for the tests to read and count.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly string[] arguments;
    private readonly StringBuilder output = new();
    private Process? process;

    public ServerProcess(int port, string dataDirectory, string? postgres, params string[] settings)
    {
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        arguments =
        [
            ServerAssembly,
            $"--urls=http://127.0.0.1:{port}",
            $"--GURUCONNECT_DATA_DIR={dataDirectory}",
            $"--GURUCONNECT_ADMIN_PASSWORD={GuruServer.AdminPassword}",
            "--Logging:LogLevel:Default=Information",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:SingleLine=true",
            "--Auth:LoginAttemptsPerMinute=10000",
            "--Enrollment:RequestsPerWindow=100000",
            .. postgres is null ? Array.Empty<string>() : [$"--ConnectionStrings:Postgres={postgres}"],
            .. settings,
        ];
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int? ExitCode => process is { HasExited: true } ? process.ExitCode : null;

    /// <summary>Everything the server printed since it was first started (every start appends).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string ServerAssembly
    {
        get
        {
            // artifacts/bin/GuruConnect.Server.Tests/<config>/ → artifacts/bin/GuruConnect.Server/<config>/
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
            var path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "GuruConnect.Server", configuration, "guruconnect-server.dll"));
            File.Exists(path).ShouldBeTrue($"the server must be built next to the tests: {path}");
            return path;
        }
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Starts the process (again) and waits until <c>/readyz</c> answers 200.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        Launch();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process!.HasExited)
            {
                Assert.Fail($"the server exited with {process.ExitCode} while starting:\n{Output}");
            }

            try
            {
                using var ready = await client.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            if (clock.Elapsed > limit)
            {
                Assert.Fail($"the server was not ready within {limit.TotalSeconds:0} s:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Starts the process and waits for it to exit by itself (a start-up refusal); its exit code.</summary>
    public async Task<int> RunToExitAsync(TimeSpan timeout)
    {
        Launch();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process!.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server did not exit within {timeout.TotalSeconds:0} s:\n{Output}");
        }

        // The asynchronous readers finish after the exit; wait for them so the output is whole.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary><c>kill -9</c>: SIGKILL, no shutdown, no flush; returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
    }

    private void Launch()
    {
        process?.Dispose();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }
    }
}
