using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Windows.Capture;

/// <summary>
/// JPEG for photo and video tiles through the Windows Imaging Component (in the box on every Windows):
/// a memory stream over the caller's buffer, the JPEG encoder at the asked quality, 24-bit BGR rows
/// converted from the tile's BGRA in one reused buffer. COM calls by vtable slot (wincodec.h,
/// objidl.h, ocidl.h), as Dxgi.cs does: no WIC binding is served here.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe partial class WicJpegEncoder : IJpegEncoder
{
    private const uint InprocServer = 0x1;
    private const uint NoCache = 2;       // WICBitmapEncoderNoCache
    private const ushort Float = 4;       // VT_R4
    private const uint SeekCurrent = 1;   // STREAM_SEEK_CUR

    private static readonly Guid FactoryClass = new("cacaf262-9370-4615-a13b-9f5539da4c0a");
    private static readonly Guid FactoryInterface = new("ec5ec8a9-c395-4314-9c77-54d7a935ff70");
    private static readonly Guid JpegContainer = new("19e4a5aa-5662-4fc5-a0c0-1758028e1057");
    private static readonly Guid Bgr24 = new("6fddc324-4e03-4bfe-b185-3d77768dc90c");

    private nint factory;
    private byte[] rows = [];

    private WicJpegEncoder(nint factory) => this.factory = factory;

    /// <summary>The encoder, or null where WIC or its JPEG codec is missing.</summary>
    public static WicJpegEncoder? TryCreate()
    {
        _ = CoInitializeEx(0, 0); // MTA; S_FALSE or a thread already STA are both fine for WIC
        var clsid = FactoryClass;
        var iid = FactoryInterface;
        return CoCreateInstance(&clsid, 0, InprocServer, &iid, out var factory) < 0 ? null : new WicJpegEncoder(factory);
    }

    public int Encode(ReadOnlySpan<byte> bgra, int width, int height, int stride, int quality, Span<byte> destination)
    {
        if (factory == 0 || width <= 0 || height <= 0 || destination.IsEmpty)
            return 0;
        _ = CoInitializeEx(0, 0);
        var bgrStride = ((width * 3) + 3) & ~3;
        if (rows.Length < bgrStride * height)
            rows = new byte[bgrStride * height];
        for (var y = 0; y < height; y++)
        {
            var source = bgra.Slice(y * stride, width * 4);
            var target = rows.AsSpan(y * bgrStride, width * 3);
            for (var x = 0; x < width; x++)
            {
                target[(x * 3) + 0] = source[(x * 4) + 0];
                target[(x * 3) + 1] = source[(x * 4) + 1];
                target[(x * 3) + 2] = source[(x * 4) + 2];
            }
        }

        nint stream = 0, encoder = 0, frame = 0, bag = 0;
        try
        {
            fixed (byte* output = destination)
            fixed (byte* pixels = rows)
            fixed (char* name = "ImageQuality\0")
            {
                if (Call(factory, 14, &stream) < 0 || Call(stream, 16, (nint)output, (uint)destination.Length) < 0)
                    return 0;
                var container = JpegContainer;
                if (CreateEncoder(factory, &container, &encoder) < 0 || Call(encoder, 3, stream, NoCache) < 0)
                    return 0;
                if (CreateNewFrame(encoder, &frame, &bag) < 0)
                    return 0;
                var property = stackalloc byte[40]; // PROPBAG2: dwType, vt, cfType, dwHint, pstrName @16, clsid
                new Span<byte>(property, 40).Clear();
                *(ushort*)(property + 4) = Float;
                *(char**)(property + 16) = name;
                var value = stackalloc byte[24]; // VARIANT: vt @0, value @8
                new Span<byte>(value, 24).Clear();
                *(ushort*)value = Float;
                *(float*)(value + 8) = Math.Clamp(quality, 1, 100) / 100f;
                if (WriteProperty(bag, property, value) < 0 || Call(frame, 3, bag) < 0)
                    return 0;
                var format = Bgr24;
                if (SetSize(frame, (uint)width, (uint)height) < 0 || SetPixelFormat(frame, &format) < 0 || format != Bgr24)
                    return 0;
                if (WritePixels(frame, (uint)height, (uint)bgrStride, (uint)(bgrStride * height), pixels) < 0)
                    return 0;
                if (Call(frame, 12) < 0 || Call(encoder, 11) < 0)
                    return 0;
                ulong position;
                if (Seek(stream, 0, SeekCurrent, &position) < 0 || position > (ulong)destination.Length)
                    return 0;
                return (int)position;
            }
        }
        finally
        {
            Release(ref bag);
            Release(ref frame);
            Release(ref encoder);
            Release(ref stream);
        }
    }

    public void Dispose() => Release(ref factory);

    private static void* Slot(nint self, int index) => (*(void***)self)[index];

    private static void Release(ref nint self)
    {
        if (self == 0)
            return;
        _ = ((delegate* unmanaged[Stdcall]<nint, uint>)Slot(self, 2))(self);
        self = 0;
    }

    // IWICBitmapFrameEncode::Commit (12), IWICBitmapEncoder::Commit (11)
    private static int Call(nint self, int slot) => ((delegate* unmanaged[Stdcall]<nint, int>)Slot(self, slot))(self);

    // IWICImagingFactory::CreateStream (14)
    private static int Call(nint self, int slot, nint* result) => ((delegate* unmanaged[Stdcall]<nint, nint*, int>)Slot(self, slot))(self, result);

    // IWICBitmapFrameEncode::Initialize (3)
    private static int Call(nint self, int slot, nint argument) => ((delegate* unmanaged[Stdcall]<nint, nint, int>)Slot(self, slot))(self, argument);

    // IWICStream::InitializeFromMemory (16), IWICBitmapEncoder::Initialize (3)
    private static int Call(nint self, int slot, nint argument, uint value) => ((delegate* unmanaged[Stdcall]<nint, nint, uint, int>)Slot(self, slot))(self, argument, value);

    // IWICImagingFactory::CreateEncoder (8)
    private static int CreateEncoder(nint factory, Guid* container, nint* encoder) =>
        ((delegate* unmanaged[Stdcall]<nint, Guid*, Guid*, nint*, int>)Slot(factory, 8))(factory, container, null, encoder);

    // IWICBitmapEncoder::CreateNewFrame (10)
    private static int CreateNewFrame(nint encoder, nint* frame, nint* bag) =>
        ((delegate* unmanaged[Stdcall]<nint, nint*, nint*, int>)Slot(encoder, 10))(encoder, frame, bag);

    // IPropertyBag2::Write (4)
    private static int WriteProperty(nint bag, byte* property, byte* value) =>
        ((delegate* unmanaged[Stdcall]<nint, uint, byte*, byte*, int>)Slot(bag, 4))(bag, 1, property, value);

    // IWICBitmapFrameEncode::SetSize (4), SetPixelFormat (6), WritePixels (10)
    private static int SetSize(nint frame, uint width, uint height) => ((delegate* unmanaged[Stdcall]<nint, uint, uint, int>)Slot(frame, 4))(frame, width, height);

    private static int SetPixelFormat(nint frame, Guid* format) => ((delegate* unmanaged[Stdcall]<nint, Guid*, int>)Slot(frame, 6))(frame, format);

    private static int WritePixels(nint frame, uint lines, uint stride, uint size, byte* pixels) =>
        ((delegate* unmanaged[Stdcall]<nint, uint, uint, uint, byte*, int>)Slot(frame, 10))(frame, lines, stride, size, pixels);

    // IStream::Seek (5)
    private static int Seek(nint stream, long move, uint origin, ulong* position) =>
        ((delegate* unmanaged[Stdcall]<nint, long, uint, ulong*, int>)Slot(stream, 5))(stream, move, origin, position);

    [LibraryImport("ole32.dll")]
    private static partial int CoInitializeEx(nint reserved, uint model);

    [LibraryImport("ole32.dll")]
    private static partial int CoCreateInstance(Guid* clsid, nint outer, uint context, Guid* iid, out nint instance);
}
