namespace GuruConnect.Agent.Streaming;

/// <summary>
/// The OS seam for lossy tiles: libturbojpeg on Linux, WIC on Windows. The encoder only calls it for
/// tiles it classified as photo or video, and only for viewers that allow lossy tiles; text and UI
/// stay lossless (docs/performance.md). Called from the session's pump, one thread at a time.
/// </summary>
internal interface IJpegEncoder : IDisposable
{
    /// <summary>
    /// Compresses the <paramref name="width"/> x <paramref name="height"/> BGRA rectangle that starts at
    /// <paramref name="bgra"/> (rows <paramref name="stride"/> bytes apart) as a baseline JPEG of
    /// <paramref name="quality"/> 1–100 into <paramref name="destination"/>. Returns the bytes written, or
    /// 0 when it does not fit or the codec failed (the caller then sends the tile lossless).
    /// </summary>
    int Encode(ReadOnlySpan<byte> bgra, int width, int height, int stride, int quality, Span<byte> destination);
}
