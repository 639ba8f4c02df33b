using System.Runtime.Versioning;
using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Windows.Capture;

/// <summary>
/// Desktop Duplication (GDI where it is unavailable) and SendInput in the calling process's own session: what the session worker serves
/// (Platform/Windows/SessionWorker) and what a console run such as <c>support</c> uses directly. The
/// LocalSystem service in session 0 sees no user desktop and streams through the worker instead.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsStreamingPlatform : IStreamingPlatform
{
    public IScreenSource OpenScreen() => new WindowsScreen();

    public IInputInjector OpenInput() => new SendInputInjector();

    public IClipboard? OpenClipboard()
    {
        try
        {
            return new WindowsClipboard();
        }
        catch (InvalidOperationException)
        {
            return null; // no window station to own a clipboard window (a service session without a desktop)
        }
    }

    public ICursorSource? OpenCursor() => null;

    public IJpegEncoder? OpenJpegEncoder() => WicJpegEncoder.TryCreate();
}
