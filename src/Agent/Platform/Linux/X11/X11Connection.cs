using System.Runtime.InteropServices;
using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>
/// One connection to the X server named by <c>DISPLAY</c> (and authorised by <c>XAUTHORITY</c>, which
/// Xlib reads itself). Capture and input each hold their own, so neither waits for the other.
/// </summary>
internal sealed class X11Connection : IDisposable
{
    private static int threadsInitialised;

    private X11Connection(IntPtr handle)
    {
        Handle = handle;
        Screen = Xlib.XDefaultScreen(handle);
        Root = Xlib.XDefaultRootWindow(handle);
    }

    public IntPtr Handle { get; private set; }

    public int Screen { get; }

    public nuint Root { get; }

    public int Width => Xlib.XDisplayWidth(Handle, Screen);

    public int Height => Xlib.XDisplayHeight(Handle, Screen);

    /// <summary>Opens <paramref name="display"/> (null: <c>DISPLAY</c>); throws when there is no X server to talk to.</summary>
    public static X11Connection Open(string? display = null)
    {
        if (Interlocked.Exchange(ref threadsInitialised, 1) == 0)
        {
            Xlib.XInitThreads();
            Xlib.IgnoreErrors();
        }

        var name = string.IsNullOrEmpty(display) ? Environment.GetEnvironmentVariable("DISPLAY") : display;
        if (string.IsNullOrEmpty(name))
            throw new InvalidOperationException("No X display: DISPLAY is not set.");
        var handle = Xlib.XOpenDisplay(name);
        return handle == IntPtr.Zero
            ? throw new InvalidOperationException($"Cannot open X display {name} (is XAUTHORITY right?).")
            : new X11Connection(handle);
    }

    /// <summary>
    /// The monitors: XRandR 1.5 monitors (which include those made with <c>xrandr --setmonitor</c>, as on
    /// Xvfb), else the active CRTCs (RandR 1.2, an older server or libXrandr), else the whole screen.
    /// Each is clipped to the root window, numbered from 1 in the server's order; one is primary.
    /// </summary>
    public List<DisplayInfo> Monitors()
    {
        var list = RandrMonitors();
        if (list.Count == 0)
            list = CrtcMonitors();
        if (list.Count == 0)
            list.Add(new DisplayInfo { Id = 1, Name = "screen", Width = (uint)Width, Height = (uint)Height, Primary = true, Scale = 1 });
        if (!list.Exists(d => d.Primary))
            list[0].Primary = true;
        return list;
    }

    /// <summary>XRRGetMonitors (RandR 1.5); empty when the server or the library predates it.</summary>
    internal unsafe List<DisplayInfo> RandrMonitors()
    {
        var list = new List<DisplayInfo>();
        IntPtr monitors;
        int count;
        try
        {
            monitors = Xlib.XRRGetMonitors(Handle, Root, 1, out count);
        }
        catch (EntryPointNotFoundException)
        {
            return list;
        }

        try
        {
            // XRRMonitorInfo (Xrandr.h, LP64): Atom name; Bool primary, automatic; int noutput, x, y,
            // width, height, mwidth, mheight; RROutput *outputs — 56 bytes.
            for (var i = 0; i < count; i++)
            {
                var m = (byte*)monitors + (i * 56);
                var nameAtom = *(nuint*)m;
                var namePointer = nameAtom == 0 ? IntPtr.Zero : Xlib.XGetAtomName(Handle, nameAtom);
                var name = Marshal.PtrToStringUTF8(namePointer) ?? $"monitor-{i + 1}";
                if (namePointer != IntPtr.Zero)
                    Xlib.XFree(namePointer);
                Add(list, name, *(int*)(m + 8) != 0, *(int*)(m + 20), *(int*)(m + 24), *(int*)(m + 28), *(int*)(m + 32));
            }
        }
        finally
        {
            if (monitors != IntPtr.Zero)
                Xlib.XRRFreeMonitors(monitors);
        }

        return list;
    }

    /// <summary>The enabled CRTCs (RandR 1.2), named after their first output; one per distinct rectangle (mirrors once).</summary>
    internal unsafe List<DisplayInfo> CrtcMonitors()
    {
        var list = new List<DisplayInfo>();
        IntPtr resources;
        try
        {
            resources = Xlib.XRRGetScreenResourcesCurrent(Handle, Root);
        }
        catch (EntryPointNotFoundException)
        {
            return list;
        }

        if (resources == IntPtr.Zero)
            return list;
        try
        {
            // XRRScreenResources (LP64): Time timestamp, configTimestamp; int ncrtc; RRCrtc *crtcs; …
            var primary = Xlib.XRRGetOutputPrimary(Handle, Root);
            var crtcCount = *(int*)((byte*)resources + 16);
            var crtcs = *(nuint**)((byte*)resources + 24);
            for (var i = 0; i < crtcCount; i++)
            {
                var info = Xlib.XRRGetCrtcInfo(Handle, resources, crtcs[i]);
                if (info == IntPtr.Zero)
                    continue;
                try
                {
                    // XRRCrtcInfo (LP64): Time timestamp; int x, y; unsigned width, height; RRMode mode;
                    // Rotation rotation; int noutput; RROutput *outputs; …
                    var c = (byte*)info;
                    var mode = *(nuint*)(c + 24);
                    var outputs = *(int*)(c + 36);
                    if (mode == 0 || outputs == 0)
                        continue;
                    var output = **(nuint**)(c + 40);
                    Add(list, OutputName(resources, output) ?? $"crtc-{i + 1}", output == primary,
                        *(int*)(c + 8), *(int*)(c + 12), (int)*(uint*)(c + 16), (int)*(uint*)(c + 20));
                }
                finally
                {
                    Xlib.XRRFreeCrtcInfo(info);
                }
            }
        }
        finally
        {
            Xlib.XRRFreeScreenResources(resources);
        }

        return list;
    }

    public void Dispose()
    {
        if (Handle != IntPtr.Zero)
            Xlib.XCloseDisplay(Handle);
        Handle = IntPtr.Zero;
    }

    private unsafe string? OutputName(IntPtr resources, nuint output)
    {
        var info = Xlib.XRRGetOutputInfo(Handle, resources, output);
        if (info == IntPtr.Zero)
            return null;
        try
        {
            // XRROutputInfo (LP64): Time timestamp; RRCrtc crtc; char *name; int nameLen; …
            return Marshal.PtrToStringUTF8(*(IntPtr*)((byte*)info + 16), *(int*)((byte*)info + 24));
        }
        finally
        {
            Xlib.XRRFreeOutputInfo(info);
        }
    }

    /// <summary>Adds a monitor clipped to the root window (a capture outside it fails); empty ones and duplicates (mirrors) are skipped.</summary>
    private void Add(List<DisplayInfo> list, string name, bool primary, int x, int y, int width, int height)
    {
        var area = new PixelRect(x, y, width, height).ClipTo(Width, Height);
        if (area.IsEmpty || list.Exists(d => d.X == area.X && d.Y == area.Y && d.Width == (uint)area.Width && d.Height == (uint)area.Height))
            return;
        list.Add(new DisplayInfo
        {
            Id = (uint)(list.Count + 1),
            Name = name,
            Primary = primary,
            X = area.X,
            Y = area.Y,
            Width = (uint)area.Width,
            Height = (uint)area.Height,
            Scale = 1,
        });
    }
}
