using System.Runtime.InteropServices;

namespace GuruConnect.Bench.Codec;

/// <summary>libturbojpeg (Debian libturbojpeg0) for the JPEG-everywhere reference: what MeshCentral and Remotely send.</summary>
internal sealed partial class TurboJpeg : IDisposable
{
    private const string Library = "libturbojpeg.so.0";
    private const int PixelFormatBgrx = 3;
    private const int Subsampling420 = 2;
    private const int NoRealloc = 1024;
    private readonly IntPtr handle = tjInitCompress();
    private readonly IntPtr buffer = tjAlloc(64 * 1024 * 1024);

    public static TurboJpeg? TryCreate()
    {
        try
        {
            return new TurboJpeg();
        }
        catch (DllNotFoundException)
        {
            return null;
        }
    }

    public unsafe int Compress(ReadOnlySpan<byte> pixels, int width, int stride, int height, int quality)
    {
        var output = buffer;
        nuint size = 64 * 1024 * 1024;
        fixed (byte* source = pixels)
        {
            return tjCompress2(handle, source, width, stride, height, PixelFormatBgrx, ref output, ref size, Subsampling420, quality, NoRealloc) == 0
                ? (int)size
                : throw new InvalidOperationException("tjCompress2 failed");
        }
    }

    public void Dispose()
    {
        _ = tjDestroy(handle);
        tjFree(buffer);
    }

    [LibraryImport(Library)]
    private static partial IntPtr tjInitCompress();

    [LibraryImport(Library)]
    private static partial IntPtr tjAlloc(int bytes);

    [LibraryImport(Library)]
    private static partial void tjFree(IntPtr buffer);

    [LibraryImport(Library)]
    private static partial int tjDestroy(IntPtr handle);

    [LibraryImport(Library)]
    private static unsafe partial int tjCompress2(IntPtr handle, byte* source, int width, int pitch, int height, int pixelFormat, ref IntPtr jpeg, ref nuint jpegSize, int subsampling, int quality, int flags);
}
