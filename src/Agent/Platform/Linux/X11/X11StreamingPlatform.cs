using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>
/// The X11 screen, input, clipboard and pointer. The display is found when a session opens the screen
/// (<see cref="X11DisplayLocator"/>: <c>DISPLAY</c>/<c>XAUTHORITY</c>, else the logged-in x11 session),
/// so an agent started at boot as root finds the user who logs in later. Each piece opens its own connection.
/// </summary>
internal sealed class X11StreamingPlatform(string? display = null, IGraphicalSessions? sessions = null) : IStreamingPlatform
{
    private string? located;

    public IScreenSource OpenScreen()
    {
        located = Locate();
        return new X11Screen(X11Connection.Open(located));
    }

    public IInputInjector OpenInput() => new X11Input(X11Connection.Open(located ?? display));

    /// <summary>The CLIPBOARD selection; null (no sync) when the server lacks XFixes or cannot be opened again.</summary>
    public IClipboard? OpenClipboard()
    {
        try
        {
            return new X11Clipboard(X11Connection.Open(located ?? display));
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The pointer through XFixes; null when the server lacks it.</summary>
    public ICursorSource? OpenCursor()
    {
        try
        {
            return new X11Cursor(X11Connection.Open(located ?? display));
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public IJpegEncoder? OpenJpegEncoder() => TurboJpegEncoder.TryOpen();

    private string Locate()
    {
        var inherited = Environment.GetEnvironmentVariable("XAUTHORITY");
        var target = X11DisplayLocator.Resolve(display ?? Environment.GetEnvironmentVariable("DISPLAY"), inherited, sessions ?? new LinuxGraphicalSessions())
            ?? throw new InvalidOperationException("No X display: DISPLAY is not set and no local x11 session is logged in.");
        // Xlib reads XAUTHORITY from the C environment, which Environment.SetEnvironmentVariable does not change.
        if (target.XAuthority is { } cookie && cookie != inherited)
            Xlib.setenv("XAUTHORITY", cookie, 1);
        return target.Display;
    }
}
