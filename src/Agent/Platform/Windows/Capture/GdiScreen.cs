using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Platform.Windows.Capture;

/// <summary>
/// GDI capture of the virtual desktop (BitBlt into a top-down 32-bit DIB section): the fallback that
/// also works on the secure desktop, where Desktop Duplication does not. One display for the whole
/// virtual desktop, or one output's rectangle for <see cref="WindowsScreen"/>; no dirty rectangles (the
/// encoder compares tiles).
/// </summary>
internal sealed class GdiScreen : IScreenSource
{
    private IntPtr memoryDc;
    private IntPtr bitmap;
    private IntPtr bits;
    private PixelRect area;

    public IReadOnlyList<DisplayInfo> GetDisplays()
    {
        var virtualScreen = VirtualScreen();
        return [new DisplayInfo { Id = 1, Name = "desktop", X = virtualScreen.X, Y = virtualScreen.Y, Width = (uint)virtualScreen.Width, Height = (uint)virtualScreen.Height, Primary = true, Scale = 1 }];
    }

    public CapturedFrame Capture(uint displayId) => displayId == 1 ? CaptureArea(VirtualScreen()) : default;

    /// <summary>A BitBlt of <paramref name="wanted"/> (virtual-desktop coordinates) from the thread's desktop; no damage.</summary>
    public unsafe CapturedFrame CaptureArea(PixelRect wanted)
    {
        if (wanted.IsEmpty)
            return default;
        if (wanted != area || bitmap == IntPtr.Zero)
            Allocate(wanted);
        var screen = Win32.GetDC(IntPtr.Zero);
        try
        {
            if (!Win32.BitBlt(memoryDc, 0, 0, area.Width, area.Height, screen, area.X, area.Y, Win32.SrcCopy | Win32.CaptureBlt))
                return default;
        }
        finally
        {
            _ = Win32.ReleaseDC(IntPtr.Zero, screen);
        }

        return new CapturedFrame(new ReadOnlySpan<byte>((void*)bits, area.Width * area.Height * 4), area.Width, area.Height, area.Width * 4, default, damageKnown: false);
    }

    public void Dispose() => Free();

    private static PixelRect VirtualScreen() => new(
        Win32.GetSystemMetrics(Win32.SmXVirtualScreen),
        Win32.GetSystemMetrics(Win32.SmYVirtualScreen),
        Win32.GetSystemMetrics(Win32.SmCxVirtualScreen),
        Win32.GetSystemMetrics(Win32.SmCyVirtualScreen));

    private unsafe void Allocate(PixelRect wanted)
    {
        Free();
        area = wanted;
        // BITMAPINFOHEADER: size 40, width, -height (top-down), planes 1, 32 bpp, BI_RGB.
        var header = stackalloc int[10];
        header[0] = 40;
        header[1] = area.Width;
        header[2] = -area.Height;
        header[3] = 1 | (32 << 16);
        var screen = Win32.GetDC(IntPtr.Zero);
        memoryDc = Win32.CreateCompatibleDC(screen);
        bitmap = Win32.CreateDIBSection(screen, header, 0, out bits, IntPtr.Zero, 0);
        _ = Win32.ReleaseDC(IntPtr.Zero, screen);
        _ = Win32.SelectObject(memoryDc, bitmap);
    }

    private void Free()
    {
        if (memoryDc != IntPtr.Zero)
            _ = Win32.DeleteDC(memoryDc);
        if (bitmap != IntPtr.Zero)
            _ = Win32.DeleteObject(bitmap);
        (memoryDc, bitmap, bits) = (IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
    }
}
