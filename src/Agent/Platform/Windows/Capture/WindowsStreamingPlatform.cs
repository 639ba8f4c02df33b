using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Windows.Capture;

/// <summary>
/// GDI capture and SendInput in the agent's own desktop session. A LocalSystem service runs in session
/// 0 and sees no user desktop: the session-worker that captures the console session over a
/// SYSTEM-only pipe is not built yet, so the Windows service still registers the no-screen session.
/// </summary>
internal sealed class WindowsStreamingPlatform : IStreamingPlatform
{
    public IScreenSource OpenScreen() => new GdiScreen();

    public IInputInjector OpenInput() => new SendInputInjector();

    public IClipboard? OpenClipboard() => null;

    public IJpegEncoder? OpenJpegEncoder() => null;
}
