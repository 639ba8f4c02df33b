using System.Diagnostics;
using System.Text;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// The real <c>guruconnect-agent</c> as a child process, on its own "machine": a config file, a
/// state folder and a fake hardware tree (the OS seam), all in a temp folder.
/// </summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly StringBuilder output = new();
    private Process? process;

    public AgentProcess(FakeMachine machine, string? stateDirectory = null)
    {
        Machine = machine;
        StateDirectory = stateDirectory ?? Path.Combine(machine.Root, "state-" + Guid.NewGuid().ToString("N")[..6]);
    }

    /// <summary>How to start the agent: <c>dotnet guruconnect-agent.dll</c>, or the Windows build under wine.</summary>
    public AgentLauncher Launcher { get; init; } = AgentLauncher.Dotnet;

    public FakeMachine Machine { get; }

    public string StateDirectory { get; }

    public string ConfigPath => Machine.ConfigPath;

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

    public static string AgentAssembly
    {
        get
        {
            // artifacts/bin/GuruConnect.EndToEnd.Tests/<config>/ → artifacts/bin/GuruConnect.Agent/<config>/
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
            var path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "GuruConnect.Agent", configuration, "guruconnect-agent.dll"));
            File.Exists(path).ShouldBeTrue($"the agent must be built next to the tests: {path}");
            return path;
        }
    }

    public void Start(params string[] args)
    {
        process = Process.Start(StartInfo(args))!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Runs a command to its end and returns (exit code, everything it printed).</summary>
    public async Task<(int ExitCode, string Output)> RunToEndAsync(params string[] args)
    {
        using var command = Process.Start(StartInfo(args))!;
        var stdout = command.StandardOutput.ReadToEndAsync();
        var stderr = command.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Launcher.CommandTimeout);
        try
        {
            await command.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            command.Kill(entireProcessTree: true);
            await command.WaitForExitAsync();
            throw new ShouldAssertException(
                $"'{string.Join(' ', args)}' did not finish within {Launcher.CommandTimeout.TotalSeconds:0} s. It printed:\n{await stdout}{await stderr}");
        }

        return (command.ExitCode, await stdout + await stderr);
    }

    /// <summary>Waits for a process started with <see cref="Start"/> to end by itself; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process!.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new ShouldAssertException($"The agent did not exit within {within.TotalSeconds:0} s. It printed:\n{Output}");
        }

        return process.ExitCode;
    }

    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private ProcessStartInfo StartInfo(string[] args)
    {
        var info = new ProcessStartInfo(Launcher.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Launcher.Program ?? AgentAssembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in Launcher.Environment)
        {
            info.Environment[name] = value;
        }

        info.Environment["GURUCONNECT_AGENT_CONFIG"] = Launcher.MapPath(Machine.ConfigPath);
        info.Environment["GURUCONNECT_AGENT_STATE"] = Launcher.MapPath(StateDirectory);
        info.Environment["GURUCONNECT_AGENT_HARDWARE_ROOT"] = Machine.HardwareRoot;
        info.Environment["GURUCONNECT_LOG_LEVEL"] = "debug";
        return info;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
