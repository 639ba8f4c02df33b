using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace GuruConnect.Agent.Platform.Windows.Capture;

/// <summary>
/// The few D3D11/DXGI COM calls Desktop Duplication needs, by vtable slot (no binding is served here:
/// docs/architecture.md "Stack"). Slots are those of the Windows SDK headers (d3d11.h, dxgi.h, dxgi1_2.h).
/// </summary>
[SupportedOSPlatform("windows")]
internal static unsafe partial class Dxgi
{
    public const int WaitTimeout = unchecked((int)0x887A0027);
    public const int AccessLost = unchecked((int)0x887A0026);
    public const int MoreData = unchecked((int)0x887A0003);
    public const int NotFound = unchecked((int)0x887A0002);

    public static readonly Guid IdxgiDevice = new("54ec77fa-1377-44e6-8c32-88fd5f44c84c");
    public static readonly Guid IdxgiOutput1 = new("00cddea8-939b-4b83-a340-a685226666cc");
    public static readonly Guid Id3d11Texture2D = new("6f15aaf2-d208-4e89-9ab4-489535d34f9c");

    [StructLayout(LayoutKind.Sequential)]
    public struct Rect
    {
        public int Left, Top, Right, Bottom;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MoveRect
    {
        public int SourceX, SourceY;
        public Rect Destination;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct OutputDesc
    {
        public fixed char DeviceName[32];
        public Rect DesktopCoordinates;
        public int AttachedToDesktop;
        public int Rotation;
        public nint Monitor;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct FrameInfo
    {
        public long LastPresentTime;
        public long LastMouseUpdateTime;
        public uint AccumulatedFrames;
        public int RectsCoalesced;
        public int ProtectedContentMaskedOut;
        public int PointerX, PointerY, PointerVisible;
        public uint TotalMetadataBufferSize;
        public uint PointerShapeBufferSize;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Texture2DDesc
    {
        public uint Width, Height, MipLevels, ArraySize, Format, SampleCount, SampleQuality, Usage, BindFlags, CpuAccessFlags, MiscFlags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Mapped
    {
        public byte* Data;
        public uint RowPitch;
        public uint DepthPitch;
    }

    [LibraryImport("d3d11.dll")]
    public static partial int D3D11CreateDevice(nint adapter, int driverType, nint software, uint flags, int* featureLevels, uint levels, uint sdkVersion, out nint device, out int featureLevel, out nint context);

    // IUnknown
    public static int QueryInterface(nint self, in Guid iid, out nint result)
    {
        fixed (Guid* id = &iid)
        fixed (nint* outPtr = &result)
            return ((delegate* unmanaged[Stdcall]<nint, Guid*, nint*, int>)Slot(self, 0))(self, id, outPtr);
    }

    public static void Release(ref nint self)
    {
        if (self == 0)
            return;
        _ = ((delegate* unmanaged[Stdcall]<nint, uint>)Slot(self, 2))(self);
        self = 0;
    }

    // IDXGIDevice::GetAdapter, IDXGIAdapter::EnumOutputs, IDXGIOutput::GetDesc, IDXGIOutput1::DuplicateOutput
    public static int GetAdapter(nint device, out nint adapter)
    {
        fixed (nint* p = &adapter)
            return ((delegate* unmanaged[Stdcall]<nint, nint*, int>)Slot(device, 7))(device, p);
    }

    public static int EnumOutputs(nint adapter, uint index, out nint output)
    {
        fixed (nint* p = &output)
            return ((delegate* unmanaged[Stdcall]<nint, uint, nint*, int>)Slot(adapter, 7))(adapter, index, p);
    }

    public static int GetDesc(nint output, OutputDesc* desc) => ((delegate* unmanaged[Stdcall]<nint, OutputDesc*, int>)Slot(output, 7))(output, desc);

    public static int DuplicateOutput(nint output1, nint device, out nint duplication)
    {
        fixed (nint* p = &duplication)
            return ((delegate* unmanaged[Stdcall]<nint, nint, nint*, int>)Slot(output1, 22))(output1, device, p);
    }

    // IDXGIOutputDuplication
    public static int AcquireNextFrame(nint duplication, uint timeoutMs, FrameInfo* info, out nint resource)
    {
        fixed (nint* p = &resource)
            return ((delegate* unmanaged[Stdcall]<nint, uint, FrameInfo*, nint*, int>)Slot(duplication, 8))(duplication, timeoutMs, info, p);
    }

    public static int GetFrameDirtyRects(nint duplication, uint bytes, Rect* rects, uint* required) =>
        ((delegate* unmanaged[Stdcall]<nint, uint, Rect*, uint*, int>)Slot(duplication, 9))(duplication, bytes, rects, required);

    public static int GetFrameMoveRects(nint duplication, uint bytes, MoveRect* rects, uint* required) =>
        ((delegate* unmanaged[Stdcall]<nint, uint, MoveRect*, uint*, int>)Slot(duplication, 10))(duplication, bytes, rects, required);

    public static int ReleaseFrame(nint duplication) => ((delegate* unmanaged[Stdcall]<nint, int>)Slot(duplication, 14))(duplication);

    // ID3D11Device::CreateTexture2D; ID3D11DeviceContext::Map, Unmap, CopyResource
    public static int CreateTexture2D(nint device, Texture2DDesc* desc, out nint texture)
    {
        fixed (nint* p = &texture)
            return ((delegate* unmanaged[Stdcall]<nint, Texture2DDesc*, nint, nint*, int>)Slot(device, 5))(device, desc, 0, p);
    }

    public static int Map(nint context, nint resource, Mapped* mapped) =>
        ((delegate* unmanaged[Stdcall]<nint, nint, uint, int, uint, Mapped*, int>)Slot(context, 14))(context, resource, 0, 1 /* D3D11_MAP_READ */, 0, mapped);

    public static void Unmap(nint context, nint resource) => ((delegate* unmanaged[Stdcall]<nint, nint, uint, void>)Slot(context, 15))(context, resource, 0);

    public static void CopyResource(nint context, nint destination, nint source) =>
        ((delegate* unmanaged[Stdcall]<nint, nint, nint, void>)Slot(context, 47))(context, destination, source);

    private static void* Slot(nint self, int index) => (*(void***)self)[index];
}
