using System.IO.Pipes;
using System.Runtime.Versioning;
using GuruConnect.Agent.Platform.Windows.Capture;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// The <c>session-worker</c> process: connects to the service's pipe and serves capture, input and the
/// clipboard of its session from one thread (the one <see cref="InputDesktop"/> moves between desktops).
/// Exits when the service closes the pipe (0) or breaks the protocol (1).
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsSessionWorker
{
    public static int Run(string pipeName, TextWriter error)
    {
        using var stream = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, PipeOptions.None);
        try
        {
            stream.Connect(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            error.WriteLine($"session-worker: cannot open pipe {pipeName}: {ex.Message}");
            return ExitCodes.Unexpected;
        }

        var exit = ExitCodes.Ok;
        var thread = new Thread(() => exit = Serve(stream, error)) { Name = "session-worker" };
        thread.Start();
        thread.Join();
        return exit;
    }

    private static int Serve(Stream stream, TextWriter error)
    {
        var platform = new WindowsStreamingPlatform();
        using var desktop = new InputDesktop();
        using var screen = new FollowingScreen(desktop, platform.OpenScreen);
        using var input = new FollowingInput(desktop, platform.OpenInput());
        using var clipboard = platform.OpenClipboard();
        try
        {
            new WorkerServer(stream, screen, input, clipboard).Run();
            return ExitCodes.Ok;
        }
        catch (WorkerProtocolException ex)
        {
            error.WriteLine("session-worker: " + ex.Message);
            return ExitCodes.Unexpected;
        }
        catch (IOException)
        {
            // The service closed the pipe mid-frame: it stopped or restarts us.
            return ExitCodes.Ok;
        }
    }
}
