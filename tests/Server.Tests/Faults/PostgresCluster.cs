using System.Diagnostics;
using Npgsql;

namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// A throwaway PostgreSQL cluster of the test's own — its own data folder and port — so a fault run can stop
/// and start it. Never the shared test cluster (<see cref="PostgresInstance"/>), which other tests are using.
/// Skipped with the reason when the PostgreSQL server binaries are not installed (scripts/test.sh installs them).
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string bin;
    private readonly string root;

    private PostgresCluster(string bin, string root, int port)
    {
        this.bin = bin;
        this.root = root;
        Port = port;
    }

    public int Port { get; }

    private string Data => Path.Combine(root, "data");

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database }.ToString();

    public static async Task<PostgresCluster> CreateAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
        {
            const string reason = "the PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql (scripts/test.sh does).";
            if (Environment.GetEnvironmentVariable(PostgresInstance.RequireVariable) == "1")
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }

        var root = Path.Combine(Path.GetTempPath(), "gc-faults-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var cluster = new PostgresCluster(bin, root, SwarmRestartFaultTests.FreePort());
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", root);
        }

        await cluster.PgAsync("initdb", "-D", cluster.Data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8");
        await cluster.StartAsync();
        return cluster;
    }

    public Task StartAsync() => PgAsync("pg_ctl", "-D", Data, "-l", Path.Combine(root, "log"), "-w",
        "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {root} -c max_connections=200", "start");

    /// <summary>Stops the cluster at once (<c>-m immediate</c>: every backend killed, recovery on the next start), as a crash would.</summary>
    public Task StopAsync() => PgAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await PgAsync("pg_ctl", "-D", Data, "-m", "immediate", "stop");
        }
        catch (ShouldAssertException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    // initdb and pg_ctl refuse to run as root: as root they run as the postgres user (as scripts/postgres.sh does).
    private Task PgAsync(string tool, params string[] args) => IsRoot
        ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args])
        : RunAsync(Path.Combine(bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new ShouldAssertException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }
}
