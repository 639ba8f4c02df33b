using System.Runtime.InteropServices;

namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>
/// The Xlib calls the streaming platform uses (libX11, MIT-SHM from libXext, XDamage, XFixes, XRandR,
/// XTest, and System V shared memory from libc). Handles (Display*, XImage*) are IntPtr; XIDs are nuint.
/// Struct offsets are those of the 64-bit Linux ABI, the only one the agent ships for.
/// </summary>
internal static partial class Xlib
{
    private const string X11 = "libX11.so.6";
    private const string Xext = "libXext.so.6";
    private const string Xdamage = "libXdamage.so.1";
    private const string Xfixes = "libXfixes.so.3";
    private const string Xrandr = "libXrandr.so.2";
    private const string Xtst = "libXtst.so.6";
    private const string LibC = "libc";

    public const int ZPixmap = 2;
    public static readonly nuint AllPlanes = nuint.MaxValue;
    public const int DamageReportNonEmpty = 3;

    // XImage field offsets (Xlib.h, LP64).
    public const int ImageData = 16;
    public const int ImageBytesPerLine = 44;
    public const int ImageBitsPerPixel = 48;
    public const int ImageDestroy = 96;

    [LibraryImport(X11)]
    public static partial int XInitThreads();

    [LibraryImport(X11, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr XOpenDisplay(string? name);

    [LibraryImport(X11)]
    public static partial int XCloseDisplay(IntPtr display);

    [LibraryImport(X11)]
    public static partial nuint XDefaultRootWindow(IntPtr display);

    [LibraryImport(X11)]
    public static partial int XDefaultScreen(IntPtr display);

    [LibraryImport(X11)]
    public static partial IntPtr XDefaultVisual(IntPtr display, int screen);

    [LibraryImport(X11)]
    public static partial int XDefaultDepth(IntPtr display, int screen);

    [LibraryImport(X11)]
    public static partial int XDisplayWidth(IntPtr display, int screen);

    [LibraryImport(X11)]
    public static partial int XDisplayHeight(IntPtr display, int screen);

    [LibraryImport(X11)]
    public static partial IntPtr XGetImage(IntPtr display, nuint drawable, int x, int y, uint width, uint height, nuint planeMask, int format);

    [LibraryImport(X11)]
    public static partial int XSync(IntPtr display, int discard);

    [LibraryImport(X11)]
    public static partial int XFlush(IntPtr display);

    [LibraryImport(X11)]
    public static partial int XFree(IntPtr data);

    [LibraryImport(X11)]
    public static partial int XPending(IntPtr display);

    [LibraryImport(X11)]
    public static unsafe partial int XNextEvent(IntPtr display, byte* xevent);

    [LibraryImport(X11)]
    public static partial IntPtr XGetAtomName(IntPtr display, nuint atom);

    [LibraryImport(X11)]
    public static partial byte XKeysymToKeycode(IntPtr display, nuint keysym);

    [LibraryImport(X11)]
    public static unsafe partial IntPtr XSetErrorHandler(delegate* unmanaged<IntPtr, IntPtr, int> handler);

    [LibraryImport(X11, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nuint XInternAtom(IntPtr display, string name, int onlyIfExists);

    [LibraryImport(X11)]
    public static partial int XConnectionNumber(IntPtr display);

    [LibraryImport(X11)]
    public static partial nint XMaxRequestSize(IntPtr display);

    [LibraryImport(X11)]
    public static partial nint XExtendedMaxRequestSize(IntPtr display);

    [LibraryImport(X11)]
    public static partial nuint XCreateSimpleWindow(IntPtr display, nuint parent, int x, int y, uint width, uint height, uint border, nuint borderColour, nuint background);

    [LibraryImport(X11)]
    public static partial int XDestroyWindow(IntPtr display, nuint window);

    [LibraryImport(X11)]
    public static partial int XSelectInput(IntPtr display, nuint window, nint mask);

    [LibraryImport(X11)]
    public static partial int XSetSelectionOwner(IntPtr display, nuint selection, nuint owner, nuint time);

    [LibraryImport(X11)]
    public static partial nuint XGetSelectionOwner(IntPtr display, nuint selection);

    [LibraryImport(X11)]
    public static partial int XConvertSelection(IntPtr display, nuint selection, nuint target, nuint property, nuint requestor, nuint time);

    [LibraryImport(X11)]
    public static unsafe partial int XSendEvent(IntPtr display, nuint window, int propagate, nint mask, byte* xevent);

    [LibraryImport(X11)]
    public static unsafe partial int XChangeProperty(IntPtr display, nuint window, nuint property, nuint type, int format, int mode, byte* data, int count);

    [LibraryImport(X11)]
    public static partial int XGetWindowProperty(
        IntPtr display, nuint window, nuint property, nint offset, nint length, int delete, nuint requestedType,
        out nuint actualType, out int actualFormat, out nuint items, out nuint bytesAfter, out IntPtr data);

    [LibraryImport(X11)]
    [return: MarshalAs(UnmanagedType.I4)]
    public static partial bool XQueryPointer(
        IntPtr display, nuint window, out nuint root, out nuint child, out int rootX, out int rootY, out int windowX, out int windowY, out uint mask);

    [LibraryImport(X11)]
    public static partial int XDeleteProperty(IntPtr display, nuint window, nuint property);

    [LibraryImport(Xext)]
    [return: MarshalAs(UnmanagedType.I4)]
    public static partial bool XShmQueryExtension(IntPtr display);

    [LibraryImport(Xext)]
    public static partial IntPtr XShmCreateImage(IntPtr display, IntPtr visual, uint depth, int format, IntPtr data, IntPtr shmInfo, uint width, uint height);

    [LibraryImport(Xext)]
    [return: MarshalAs(UnmanagedType.I4)]
    public static partial bool XShmAttach(IntPtr display, IntPtr shmInfo);

    [LibraryImport(Xext)]
    [return: MarshalAs(UnmanagedType.I4)]
    public static partial bool XShmDetach(IntPtr display, IntPtr shmInfo);

    [LibraryImport(Xext)]
    [return: MarshalAs(UnmanagedType.I4)]
    public static partial bool XShmGetImage(IntPtr display, nuint drawable, IntPtr image, int x, int y, nuint planeMask);

    [LibraryImport(Xdamage)]
    [return: MarshalAs(UnmanagedType.I4)]
    public static partial bool XDamageQueryExtension(IntPtr display, out int eventBase, out int errorBase);

    [LibraryImport(Xdamage)]
    public static partial nuint XDamageCreate(IntPtr display, nuint drawable, int level);

    [LibraryImport(Xdamage)]
    public static partial void XDamageSubtract(IntPtr display, nuint damage, nuint repair, nuint parts);

    [LibraryImport(Xdamage)]
    public static partial void XDamageDestroy(IntPtr display, nuint damage);

    [LibraryImport(Xfixes)]
    [return: MarshalAs(UnmanagedType.I4)]
    public static partial bool XFixesQueryExtension(IntPtr display, out int eventBase, out int errorBase);

    [LibraryImport(Xfixes)]
    public static partial nuint XFixesCreateRegion(IntPtr display, IntPtr rectangles, int count);

    [LibraryImport(Xfixes)]
    public static partial IntPtr XFixesFetchRegion(IntPtr display, nuint region, out int count);

    [LibraryImport(Xfixes)]
    public static partial void XFixesDestroyRegion(IntPtr display, nuint region);

    [LibraryImport(Xfixes)]
    public static partial void XFixesSelectSelectionInput(IntPtr display, nuint window, nuint selection, nuint eventMask);

    [LibraryImport(Xfixes)]
    public static partial void XFixesSelectCursorInput(IntPtr display, nuint window, nuint eventMask);

    [LibraryImport(Xfixes)]
    public static partial IntPtr XFixesGetCursorImage(IntPtr display);

    [LibraryImport(Xrandr)]
    public static partial IntPtr XRRGetMonitors(IntPtr display, nuint window, int getActive, out int count);

    [LibraryImport(Xrandr)]
    public static partial void XRRFreeMonitors(IntPtr monitors);

    [LibraryImport(Xrandr)]
    public static partial IntPtr XRRGetScreenResourcesCurrent(IntPtr display, nuint window);

    [LibraryImport(Xrandr)]
    public static partial void XRRFreeScreenResources(IntPtr resources);

    [LibraryImport(Xrandr)]
    public static partial IntPtr XRRGetCrtcInfo(IntPtr display, IntPtr resources, nuint crtc);

    [LibraryImport(Xrandr)]
    public static partial void XRRFreeCrtcInfo(IntPtr info);

    [LibraryImport(Xrandr)]
    public static partial IntPtr XRRGetOutputInfo(IntPtr display, IntPtr resources, nuint output);

    [LibraryImport(Xrandr)]
    public static partial void XRRFreeOutputInfo(IntPtr info);

    [LibraryImport(Xrandr)]
    public static partial nuint XRRGetOutputPrimary(IntPtr display, nuint window);

    [LibraryImport(Xtst)]
    [return: MarshalAs(UnmanagedType.I4)]
    public static partial bool XTestQueryExtension(IntPtr display, out int eventBase, out int errorBase, out int major, out int minor);

    [LibraryImport(Xtst)]
    public static partial int XTestFakeMotionEvent(IntPtr display, int screen, int x, int y, nuint delay);

    [LibraryImport(Xtst)]
    public static partial int XTestFakeButtonEvent(IntPtr display, uint button, int isPress, nuint delay);

    [LibraryImport(Xtst)]
    public static partial int XTestFakeKeyEvent(IntPtr display, uint keycode, int isPress, nuint delay);

    [LibraryImport(LibC, SetLastError = true)]
    public static unsafe partial int pipe2(int* fds, int flags);

    [LibraryImport(LibC, SetLastError = true)]
    public static unsafe partial int poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(LibC, SetLastError = true)]
    public static unsafe partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport(LibC, SetLastError = true)]
    public static unsafe partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport(LibC)]
    public static partial int close(int fd);

    [LibraryImport(LibC, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int setenv(string name, string value, int overwrite);

    [LibraryImport(LibC, SetLastError = true)]
    public static partial int shmget(int key, nuint size, int flags);

    [LibraryImport(LibC, SetLastError = true)]
    public static partial IntPtr shmat(int id, IntPtr address, int flags);

    [LibraryImport(LibC)]
    public static partial int shmdt(IntPtr address);

    [LibraryImport(LibC)]
    public static partial int shmctl(int id, int command, IntPtr buffer);

    /// <summary>
    /// Xlib's default error handler exits the process; an agent must survive a window vanishing
    /// mid-capture (BadMatch, BadWindow). Errors surface as failed calls instead.
    /// </summary>
    public static unsafe void IgnoreErrors() => XSetErrorHandler(&OnError);

    public static unsafe void DestroyImage(IntPtr image)
    {
        if (image == IntPtr.Zero)
            return;
        var destroy = (delegate* unmanaged<IntPtr, int>)Marshal.ReadIntPtr(image, ImageDestroy);
        destroy(image);
    }

    /// <summary>struct pollfd (poll(2)).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [UnmanagedCallersOnly]
    private static int OnError(IntPtr display, IntPtr errorEvent) => 0;
}
