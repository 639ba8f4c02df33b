using System.Runtime.InteropServices;
using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Linux;

/// <summary>
/// JPEG for photo and video tiles through libturbojpeg (Debian <c>libturbojpeg0</c>): BGRX in, 4:2:0
/// baseline out, written straight into the caller's buffer (<c>TJFLAG_NOREALLOC</c>), so nothing is
/// allocated per tile. q80 of a 1080p frame is 8–10 ms here (docs/performance.md §1).
/// </summary>
internal sealed partial class TurboJpegEncoder : IJpegEncoder
{
    private const string Library = "libturbojpeg.so.0";
    private const int PixelFormatBgrx = 3;
    private const int Subsampling420 = 2;
    private const int NoRealloc = 1024;
    private IntPtr handle;

    private TurboJpegEncoder(IntPtr handle) => this.handle = handle;

    /// <summary>The encoder, or null when the library is not installed (every tile then stays lossless).</summary>
    public static TurboJpegEncoder? TryOpen()
    {
        try
        {
            var handle = tjInitCompress();
            return handle == IntPtr.Zero ? null : new TurboJpegEncoder(handle);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    public unsafe int Encode(ReadOnlySpan<byte> bgra, int width, int height, int stride, int quality, Span<byte> destination)
    {
        if (handle == IntPtr.Zero || width <= 0 || height <= 0 || bgra.Length < ((height - 1) * stride) + (width * 4))
            return 0;
        var bound = tjBufSize(width, height, Subsampling420);
        if (bound == 0 || (ulong)destination.Length < bound)
            return 0;
        fixed (byte* source = bgra)
        fixed (byte* output = destination)
        {
            var jpeg = (IntPtr)output;
            var size = (nuint)destination.Length;
            var status = tjCompress2(handle, source, width, stride, height, PixelFormatBgrx, ref jpeg, ref size, Subsampling420, Math.Clamp(quality, 1, 100), NoRealloc);
            // With NOREALLOC the library must have written into our buffer; anything else is a failure.
            return status == 0 && jpeg == (IntPtr)output && size <= (nuint)destination.Length ? (int)size : 0;
        }
    }

    public void Dispose()
    {
        if (handle != IntPtr.Zero)
            _ = tjDestroy(handle);
        handle = IntPtr.Zero;
    }

    [LibraryImport(Library)]
    private static partial IntPtr tjInitCompress();

    [LibraryImport(Library)]
    private static partial int tjDestroy(IntPtr handle);

    [LibraryImport(Library)]
    private static partial nuint tjBufSize(int width, int height, int subsampling);

    [LibraryImport(Library)]
    private static unsafe partial int tjCompress2(
        IntPtr handle, byte* source, int width, int pitch, int height, int pixelFormat, ref IntPtr jpeg, ref nuint jpegSize, int subsampling, int quality, int flags);
}
