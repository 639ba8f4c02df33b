using System.Runtime.InteropServices;
using Google.Protobuf;
using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>
/// The pointer on its own X connection: XFixes <c>CursorNotify</c> events say when the shape changes
/// (its cursor serial is the shape's id), <c>XQueryPointer</c> on the root gives the position in
/// virtual-desktop pixels, and <c>XFixesGetCursorImage</c> is read only for a shape not seen before.
/// A pointer on another X screen, or showing a fully transparent shape, is reported hidden.
/// </summary>
internal sealed unsafe class X11Cursor : ICursorSource
{
    /// <summary>Larger shapes are not sent (w·h·4 bytes each); real pointers are 16–128 pixels.</summary>
    public const int MaxSide = 256;

    private const nuint DisplayCursorNotifyMask = 1;
    private const int CursorNotify = 1;

    private readonly X11Connection x;
    private readonly int cursorEvent;
    private readonly byte* xevent = (byte*)NativeMemory.AllocZeroed(192);
    private readonly HashSet<uint> blank = [];
    private uint serial;

    public X11Cursor(X11Connection connection)
    {
        x = connection;
        if (!Xlib.XFixesQueryExtension(x.Handle, out var eventBase, out _))
        {
            x.Dispose();
            NativeMemory.Free(xevent);
            throw new InvalidOperationException("The X server has no XFixes: no pointer shape.");
        }

        cursorEvent = eventBase + CursorNotify;
        Xlib.XFixesSelectCursorInput(x.Handle, x.Root, DisplayCursorNotifyMask);
        Xlib.XFlush(x.Handle);
    }

    public CursorState Poll()
    {
        while (Xlib.XPending(x.Handle) > 0)
        {
            Xlib.XNextEvent(x.Handle, xevent);
            // XFixesCursorNotifyEvent: …, Window window (32); int subtype (40); unsigned long cursor_serial (48).
            if (*(int*)xevent == cursorEvent)
                serial = Id(*(nuint*)(xevent + 48));
        }

        if (serial == 0)
            ReadShape(); // the first poll: learn the current shape's serial
        var sameScreen = Xlib.XQueryPointer(x.Handle, x.Root, out _, out _, out var rootX, out var rootY, out _, out _, out _);
        return new CursorState(rootX, rootY, sameScreen && !blank.Contains(serial), serial);
    }

    public CursorShape? ReadShape()
    {
        var image = Xlib.XFixesGetCursorImage(x.Handle);
        if (image == IntPtr.Zero)
            return null;
        try
        {
            // XFixesCursorImage (LP64): short x, y; unsigned short width, height, xhot, yhot;
            // unsigned long cursor_serial (16); unsigned long *pixels (24); …
            var p = (byte*)image;
            int width = *(ushort*)(p + 4), height = *(ushort*)(p + 6);
            serial = Id(*(nuint*)(p + 16));
            if (width == 0 || height == 0 || width > MaxSide || height > MaxSide)
                return null;
            var rgba = new byte[width * height * 4];
            if (!X11CursorPixels.ToStraightRgba(new ReadOnlySpan<nuint>(*(nuint**)(p + 24), width * height), rgba))
            {
                if (blank.Count >= 64)
                    blank.Clear(); // serials only grow: forget old ones rather than keep them all
                blank.Add(serial);
            }
            return new CursorShape
            {
                Id = serial,
                HotX = *(ushort*)(p + 8),
                HotY = *(ushort*)(p + 10),
                W = (uint)width,
                H = (uint)height,
                Rgba = UnsafeByteOperations.UnsafeWrap(rgba),
            };
        }
        finally
        {
            Xlib.XFree(image);
        }
    }

    public void Dispose()
    {
        x.Dispose();
        NativeMemory.Free(xevent);
    }

    /// <summary>The shape id: the serial's low 32 bits, never 0 (0 means "unknown" to the tracker).</summary>
    private static uint Id(nuint value) => (uint)value == 0 ? 1 : (uint)value;
}
