namespace GuruConnect.Agent.Streaming;

/// <summary>Opens the OS pieces a screen session needs, when the first viewer joins.</summary>
internal interface IStreamingPlatform
{
    IScreenSource OpenScreen();

    IInputInjector OpenInput();

    /// <summary>The text clipboard, or null where it is not available.</summary>
    IClipboard? OpenClipboard();

    /// <summary>The mouse pointer's shape and position, or null where they cannot be read (viewers then draw their own).</summary>
    ICursorSource? OpenCursor();

    /// <summary>A JPEG codec for photo and video tiles, or null where none is available (every tile then stays lossless).</summary>
    IJpegEncoder? OpenJpegEncoder();
}
