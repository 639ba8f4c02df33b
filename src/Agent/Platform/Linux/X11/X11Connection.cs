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

    /// <summary>The monitors (XRandR 1.5 monitors; the whole screen when there are none).</summary>
    public unsafe List<DisplayInfo> Monitors()
    {
        var list = new List<DisplayInfo>();
        var monitors = Xlib.XRRGetMonitors(Handle, Root, 1, out var count);
        try
        {
            // XRRMonitorInfo (Xrandr.h, LP64): Atom name; Bool primary, automatic; int noutput, x, y,
            // width, height, mwidth, mheight; RROutput *outputs — 56 bytes.
            for (var i = 0; i < count; i++)
            {
                var m = (byte*)monitors + (i * 56);
                var nameAtom = *(nuint*)m;
                var namePointer = Xlib.XGetAtomName(Handle, nameAtom);
                var name = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(namePointer) ?? $"monitor-{i + 1}";
                Xlib.XFree(namePointer);
                list.Add(new DisplayInfo
                {
                    Id = (uint)(i + 1),
                    Name = name,
                    Primary = *(int*)(m + 8) != 0,
                    X = *(int*)(m + 20),
                    Y = *(int*)(m + 24),
                    Width = (uint)*(int*)(m + 28),
                    Height = (uint)*(int*)(m + 32),
                    Scale = 1,
                });
            }
        }
        finally
        {
            if (monitors != IntPtr.Zero)
                Xlib.XRRFreeMonitors(monitors);
        }

        if (list.Count == 0)
            list.Add(new DisplayInfo { Id = 1, Name = "screen", Width = (uint)Width, Height = (uint)Height, Primary = true, Scale = 1 });
        if (!list.Exists(d => d.Primary))
            list[0].Primary = true;
        return list;
    }

    public void Dispose()
    {
        if (Handle != IntPtr.Zero)
            Xlib.XCloseDisplay(Handle);
        Handle = IntPtr.Zero;
    }
}
