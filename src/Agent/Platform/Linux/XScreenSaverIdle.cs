using System.Runtime.InteropServices;

namespace GuruConnect.Agent.Platform.Linux;

/// <summary>
/// How long the user of the X display named by <c>DISPLAY</c> has not touched keyboard or mouse: the
/// MIT-SCREEN-SAVER extension's idle counter (<c>XScreenSaverQueryInfo</c>, libXss). 0 when there is
/// no display, no extension or no answer — AgentStatus.user_idle_seconds' "unknown" (docs/protocol.md).
/// The connection is opened per read (every heartbeat at most) and closed at once, so an X server
/// going away between reads costs nothing.
/// </summary>
internal static partial class XScreenSaverIdle
{
    private const string X11 = "libX11.so.6";
    private const string Xss = "libXss.so.1";

    public static ulong Seconds(string? display = null)
    {
        var name = string.IsNullOrEmpty(display) ? Environment.GetEnvironmentVariable("DISPLAY") : display;
        if (string.IsNullOrEmpty(name))
            return 0;
        try
        {
            return Query(name);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0; // libXss is not installed: idle time unknown
        }
    }

    private static unsafe ulong Query(string name)
    {
        var connection = XOpenDisplay(name);
        if (connection == IntPtr.Zero)
            return 0;
        try
        {
            if (XScreenSaverQueryExtension(connection, out _, out _) == 0)
                return 0;

            // XScreenSaverInfo (scrnsaver.h, LP64): Window window; int state, kind; unsigned long
            // til_or_since, idle (ms), eventMask — 40 bytes.
            var info = stackalloc byte[40];
            if (XScreenSaverQueryInfo(connection, XDefaultRootWindow(connection), info) == 0)
                return 0;
            return *(ulong*)(info + 24) / 1000;
        }
        finally
        {
            _ = XCloseDisplay(connection);
        }
    }

    [LibraryImport(X11, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr XOpenDisplay(string name);

    [LibraryImport(X11)]
    private static partial int XCloseDisplay(IntPtr display);

    [LibraryImport(X11)]
    private static partial nuint XDefaultRootWindow(IntPtr display);

    [LibraryImport(Xss)]
    private static partial int XScreenSaverQueryExtension(IntPtr display, out int eventBase, out int errorBase);

    [LibraryImport(Xss)]
    private static unsafe partial int XScreenSaverQueryInfo(IntPtr display, nuint drawable, byte* info);
}
