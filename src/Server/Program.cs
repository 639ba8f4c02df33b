using GuruConnect.Server.Hosting;
using GuruConnect.Server.Users;

// The table of contents is Hosting/ServerApp.cs; this file only picks CLI or server.
using var shutdown = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    shutdown.Cancel();
};

try
{
    var app = ServerApp.Build(UserCli.Handles(args) ? [] : args);
    if (UserCli.Handles(args))
    {
        return await UserCli.RunAsync(args, app.Services, Console.In, Console.Out, Console.Error, shutdown.Token);
    }

    if (PortCheck.BusyPortMessage(app.Configuration) is { } busy)
    {
        await Console.Error.WriteLineAsync(busy);
        return 1;
    }

    await app.PrepareAsync(Console.Out, shutdown.Token);
    await app.RunAsync();
    return 0;
}
catch (InvalidOperationException ex) when (ex is not ObjectDisposedException)
{
    // Start-up refusals (no Argon2id native library, short JWT secret, edited migration) are for a human to act on.
    await Console.Error.WriteLineAsync($"guruconnect-server: cannot start: {ex.Message}");
    return 1;
}

/// <summary>Exposed for WebApplicationFactory-style tooling.</summary>
public partial class Program;
