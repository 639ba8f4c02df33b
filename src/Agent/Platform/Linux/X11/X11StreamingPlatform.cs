using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>
/// The X11 screen, input and clipboard, on the display named by <c>DISPLAY</c> (<c>XAUTHORITY</c> as
/// Xlib reads it). Each piece opens its own connection.
/// </summary>
internal sealed class X11StreamingPlatform(string? display = null) : IStreamingPlatform
{
    public IScreenSource OpenScreen() => new X11Screen(X11Connection.Open(display));

    public IInputInjector OpenInput() => new X11Input(X11Connection.Open(display));

    /// <summary>The CLIPBOARD selection; null (no sync) when the server lacks XFixes or cannot be opened again.</summary>
    public IClipboard? OpenClipboard()
    {
        try
        {
            return new X11Clipboard(X11Connection.Open(display));
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public IJpegEncoder? OpenJpegEncoder() => TurboJpegEncoder.TryOpen();
}
