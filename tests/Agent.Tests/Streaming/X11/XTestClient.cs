using System.Runtime.InteropServices;

namespace GuruConnect.Agent.Tests.Streaming.X11;

/// <summary>
/// A plain X client for the tests: paints pixels on the root window (XPutImage), and records the input
/// events a full-screen window of its own receives — what a person's application would see.
/// </summary>
internal sealed partial class XTestClient : IDisposable
{
    public const int KeyPress = 2;
    public const int KeyRelease = 3;
    public const int ButtonPress = 4;
    public const int ButtonRelease = 5;
    public const int MotionNotify = 6;

    private const string X11 = "libX11.so.6";
    private readonly IntPtr display;
    private readonly nuint root;
    private readonly int screen;
    private readonly IntPtr gc;
    private nuint window;

    public XTestClient(string displayName)
    {
        display = XOpenDisplay(displayName);
        if (display == IntPtr.Zero)
            throw new InvalidOperationException($"cannot open {displayName}");
        screen = XDefaultScreen(display);
        root = XDefaultRootWindow(display);
        gc = XCreateGC(display, root, 0, IntPtr.Zero);
    }

    /// <summary>
    /// Paints BGRX <paramref name="pixels"/> (w*h*4) at (x, y) on the root window, atomically: a large
    /// XPutImage is split into many requests that a capture could see half done, so the image goes to a
    /// pixmap first and reaches the screen in one XCopyArea, as an application's double buffer would.
    /// </summary>
    public void Paint(int x, int y, int width, int height, byte[] pixels)
    {
        var data = Marshal.AllocHGlobal(pixels.Length);
        Marshal.Copy(pixels, 0, data, pixels.Length);
        var image = XCreateImage(display, XDefaultVisual(display, screen), 24, 2, 0, data, (uint)width, (uint)height, 32, width * 4);
        var pixmap = XCreatePixmap(display, root, (uint)width, (uint)height, 24);
        XPutImage(display, pixmap, gc, image, 0, 0, 0, 0, (uint)width, (uint)height);
        XCopyArea(display, pixmap, window != 0 ? window : root, gc, 0, 0, (uint)width, (uint)height, x, y);
        XFreePixmap(display, pixmap);
        XSync(display, 0);
        // XDestroyImage frees data too.
        var destroy = Marshal.GetDelegateForFunctionPointer<DestroyImage>(Marshal.ReadIntPtr(image, 96));
        destroy(image);
    }

    /// <summary>Reads the root window back with XGetImage: the framebuffer truth, BGRX.</summary>
    public byte[] Read(int x, int y, int width, int height)
    {
        var image = XGetImage(display, root, x, y, (uint)width, (uint)height, nuint.MaxValue, 2);
        var stride = Marshal.ReadInt32(image, 44);
        var data = Marshal.ReadIntPtr(image, 16);
        var result = new byte[width * height * 4];
        for (var row = 0; row < height; row++)
            Marshal.Copy(data + (row * stride), result, row * width * 4, width * 4);
        var destroy = Marshal.GetDelegateForFunctionPointer<DestroyImage>(Marshal.ReadIntPtr(image, 96));
        destroy(image);
        return result;
    }

    /// <summary>Maps a window over the whole screen that records keys, buttons and motion, and gives it the focus.</summary>
    public void OpenRecorder(int width, int height)
    {
        window = XCreateSimpleWindow(display, root, 0, 0, (uint)width, (uint)height, 0, 0, 0);
        XSelectInput(display, window, (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 6)); // key, button, pointer motion
        XMapWindow(display, window);
        XSync(display, 0);
        XSetInputFocus(display, window, 1, 0);
        XSync(display, 0);
    }

    public int KeycodeOf(uint keysym) => XKeysymToKeycode(display, keysym);

    /// <summary>The recorded events so far as (type, detail: keycode or button, state, x, y).</summary>
    public unsafe List<(int Type, uint Detail, uint State, int X, int Y)> Events()
    {
        var events = new List<(int, uint, uint, int, int)>();
        var e = stackalloc byte[192];
        XSync(display, 0);
        while (XPending(display) > 0)
        {
            XNextEvent(display, e);
            var type = *(int*)e;
            if (type is >= KeyPress and <= MotionNotify)
                events.Add((type, *(uint*)(e + 84), *(uint*)(e + 80), *(int*)(e + 64), *(int*)(e + 68)));
        }

        return events;
    }

    public void Dispose() => XCloseDisplay(display);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DestroyImage(IntPtr image);

    [LibraryImport(X11, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr XOpenDisplay(string name);

    [LibraryImport(X11)]
    private static partial int XCloseDisplay(IntPtr display);

    [LibraryImport(X11)]
    private static partial int XDefaultScreen(IntPtr display);

    [LibraryImport(X11)]
    private static partial nuint XDefaultRootWindow(IntPtr display);

    [LibraryImport(X11)]
    private static partial IntPtr XDefaultVisual(IntPtr display, int screen);

    [LibraryImport(X11)]
    private static partial IntPtr XCreateGC(IntPtr display, nuint drawable, nuint mask, IntPtr values);

    [LibraryImport(X11)]
    private static partial IntPtr XCreateImage(IntPtr display, IntPtr visual, uint depth, int format, int offset, IntPtr data, uint width, uint height, int pad, int bytesPerLine);

    [LibraryImport(X11)]
    private static partial int XPutImage(IntPtr display, nuint drawable, IntPtr gc, IntPtr image, int srcX, int srcY, int x, int y, uint width, uint height);

    [LibraryImport(X11)]
    private static partial nuint XCreatePixmap(IntPtr display, nuint drawable, uint width, uint height, uint depth);

    [LibraryImport(X11)]
    private static partial int XFreePixmap(IntPtr display, nuint pixmap);

    [LibraryImport(X11)]
    private static partial int XCopyArea(IntPtr display, nuint source, nuint destination, IntPtr gc, int srcX, int srcY, uint width, uint height, int x, int y);

    [LibraryImport(X11)]
    private static partial IntPtr XGetImage(IntPtr display, nuint drawable, int x, int y, uint width, uint height, nuint planes, int format);

    [LibraryImport(X11)]
    private static partial int XSync(IntPtr display, int discard);

    [LibraryImport(X11)]
    private static partial nuint XCreateSimpleWindow(IntPtr display, nuint parent, int x, int y, uint width, uint height, uint border, nuint borderColour, nuint background);

    [LibraryImport(X11)]
    private static partial int XSelectInput(IntPtr display, nuint window, nint mask);

    [LibraryImport(X11)]
    private static partial int XMapWindow(IntPtr display, nuint window);

    [LibraryImport(X11)]
    private static partial int XSetInputFocus(IntPtr display, nuint window, int revertTo, nuint time);

    [LibraryImport(X11)]
    private static partial byte XKeysymToKeycode(IntPtr display, nuint keysym);

    [LibraryImport(X11)]
    private static partial int XPending(IntPtr display);

    [LibraryImport(X11)]
    private static unsafe partial int XNextEvent(IntPtr display, byte* xevent);
}
