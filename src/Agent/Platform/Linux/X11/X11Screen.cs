using System.Runtime.InteropServices;
using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>
/// Captures X11 monitors: MIT-SHM (<c>XShmGetImage</c> into one shared segment per monitor; no copy
/// through the socket) or plain <c>XGetImage</c> where SHM is refused (a remote X server, another IPC
/// namespace). XDamage on the root window says what changed, so an idle or typing frame compares only
/// the damaged tiles (docs/performance.md): the damage is taken before the pixels, so a change that
/// lands in between is captured now and reported again next time, never lost.
/// </summary>
internal sealed class X11Screen : IScreenSource
{
    private readonly X11Connection x;
    private readonly Dictionary<uint, Monitor> monitors = [];
    private readonly nuint damage;
    private readonly nuint region;
    private readonly bool shm;
    private List<DisplayInfo> layout;
    private ChangeWatcher? watcher;

    public X11Screen(X11Connection connection, bool useSharedMemory = true)
    {
        x = connection;
        shm = useSharedMemory && Xlib.XShmQueryExtension(x.Handle);
        if (Xlib.XDamageQueryExtension(x.Handle, out _, out _) && Xlib.XFixesQueryExtension(x.Handle, out _, out _))
        {
            damage = Xlib.XDamageCreate(x.Handle, x.Root, Xlib.DamageReportNonEmpty);
            region = Xlib.XFixesCreateRegion(x.Handle, IntPtr.Zero, 0);
        }

        layout = x.Monitors();
    }

    public bool UsesSharedMemory => shm;

    public bool UsesDamage => damage != 0;

    public bool TellsChanges => damage != 0;

    /// <summary>
    /// Damage already taken for the monitor but not captured yet, or an event in the queue: with
    /// <c>DamageReportNonEmpty</c> the server sends one DamageNotify when the region stops being empty,
    /// and <see cref="TakeDamage"/> empties both. Any other event only costs one capture.
    /// </summary>
    public bool ChangedSinceCapture(uint displayId)
    {
        var changed = damage == 0 || !monitors.TryGetValue(displayId, out var monitor) || !monitor.Captured || monitor.HasPendingDamage || Xlib.XPending(x.Handle) > 0;
        watcher?.Rearm();
        return changed;
    }

    /// <summary>
    /// Wakes the session when the X server writes to this connection (a DamageNotify: the screen changed
    /// while quiet), from a thread that only polls the socket and never calls Xlib. Once it has told, it
    /// waits until the session has asked (<see cref="ChangedSinceCapture"/> or a capture, whose Xlib calls
    /// read the event off the socket) before it polls again, so an event nobody has read yet cannot spin it.
    /// </summary>
    public void NotifyChanges(Action changed)
    {
        if (damage == 0)
            return;
        watcher ??= new ChangeWatcher(Xlib.XConnectionNumber(x.Handle));
        watcher.Changed = changed;
    }

    public IReadOnlyList<DisplayInfo> GetDisplays()
    {
        layout = x.Monitors();
        return layout;
    }

    public CapturedFrame Capture(uint displayId)
    {
        var info = layout.Find(d => d.Id == displayId);
        if (info is null)
            return default;
        var area = new PixelRect(info.X, info.Y, (int)info.Width, (int)info.Height);
        if (!monitors.TryGetValue(displayId, out var monitor) || monitor.Area != area)
        {
            monitor?.Dispose();
            monitor = new Monitor(x, area, shm);
            monitors[displayId] = monitor;
        }

        var damageKnown = TakeDamage() && monitor.Captured;
        var grabbed = monitor.Grab();
        watcher?.Rearm();
        if (!grabbed)
            return default;
        return new CapturedFrame(monitor.Pixels, area.Width, area.Height, monitor.Stride, monitor.Damage, damageKnown);
    }

    public void Dispose()
    {
        watcher?.Dispose();
        watcher = null;
        foreach (var monitor in monitors.Values)
            monitor.Dispose();
        monitors.Clear();
        if (damage != 0)
        {
            Xlib.XDamageDestroy(x.Handle, damage);
            Xlib.XFixesDestroyRegion(x.Handle, region);
        }

        x.Dispose();
    }

    /// <summary>Moves the server's accumulated damage into each monitor's list; false when there is no XDamage.</summary>
    private unsafe bool TakeDamage()
    {
        if (damage == 0)
            return false;
        Xlib.XDamageSubtract(x.Handle, damage, 0, region);
        var rects = Xlib.XFixesFetchRegion(x.Handle, region, out var count);
        try
        {
            // XRectangle: short x, y; unsigned short width, height.
            var r = (short*)rects;
            for (var i = 0; i < count; i++, r += 4)
            {
                var rect = new PixelRect(r[0], r[1], (ushort)r[2], (ushort)r[3]);
                foreach (var monitor in monitors.Values)
                    monitor.AddDamage(rect);
            }
        }
        finally
        {
            if (rects != IntPtr.Zero)
                Xlib.XFree(rects);
        }

        DrainEvents();
        return true;
    }

    /// <summary>DamageNotify events pile up in Xlib's queue unless read; their content is already in the region.</summary>
    private unsafe void DrainEvents()
    {
        var xevent = stackalloc byte[192];
        while (Xlib.XPending(x.Handle) > 0)
            Xlib.XNextEvent(x.Handle, xevent);
    }

    private sealed class Monitor : IDisposable
    {
        private readonly X11Connection x;
        private readonly bool shm;
        private readonly IntPtr shmInfo;
        private readonly List<PixelRect> pending = new(64);
        private PixelRect[] damage = new PixelRect[64];
        private int damageCount;
        private IntPtr image;
        private int segment = -1;

        public unsafe Monitor(X11Connection x, PixelRect area, bool shm)
        {
            this.x = x;
            Area = area;
            this.shm = shm;
            if (!shm)
                return;
            // XShmSegmentInfo must stay put: XShmCreateImage keeps a pointer to it (image->obdata).
            shmInfo = Marshal.AllocHGlobal(32);
            new Span<byte>((void*)shmInfo, 32).Clear();
            var visual = Xlib.XDefaultVisual(x.Handle, x.Screen);
            var depth = (uint)Xlib.XDefaultDepth(x.Handle, x.Screen);
            image = Xlib.XShmCreateImage(x.Handle, visual, depth, Xlib.ZPixmap, IntPtr.Zero, shmInfo, (uint)area.Width, (uint)area.Height);
            var stride = Marshal.ReadInt32(image, Xlib.ImageBytesPerLine);
            segment = Xlib.shmget(0, (nuint)(stride * area.Height), 0x380); // IPC_PRIVATE, IPC_CREAT | 0600
            var address = Xlib.shmat(segment, IntPtr.Zero, 0);
            Marshal.WriteInt32(shmInfo, 8, segment);
            Marshal.WriteIntPtr(shmInfo, 16, address);
            Marshal.WriteIntPtr(image, Xlib.ImageData, address);
            Xlib.XShmAttach(x.Handle, shmInfo);
            Xlib.XSync(x.Handle, 0);
            // Marked for removal now: the kernel frees it when both sides detach, even if we crash.
            Xlib.shmctl(segment, 0, IntPtr.Zero);
        }

        public PixelRect Area { get; }

        public bool Captured { get; private set; }

        public bool HasPendingDamage => pending.Count > 0;

        public int Stride { get; private set; }

        public unsafe ReadOnlySpan<byte> Pixels => new((void*)Marshal.ReadIntPtr(image, Xlib.ImageData), Stride * Area.Height);

        public ReadOnlySpan<PixelRect> Damage => damage.AsSpan(0, damageCount);

        public void AddDamage(PixelRect rootRect)
        {
            var local = new PixelRect(rootRect.X - Area.X, rootRect.Y - Area.Y, rootRect.Width, rootRect.Height).ClipTo(Area.Width, Area.Height);
            if (local.IsEmpty)
                return;
            if (pending.Count >= 256)
            {
                // A monitor nobody captures for a while: one rectangle says "look at everything".
                pending.Clear();
                local = new PixelRect(0, 0, Area.Width, Area.Height);
            }

            pending.Add(local);
        }

        public bool Grab()
        {
            if (shm)
            {
                if (!Xlib.XShmGetImage(x.Handle, x.Root, image, Area.X, Area.Y, Xlib.AllPlanes))
                    return false;
            }
            else
            {
                Xlib.DestroyImage(image);
                image = Xlib.XGetImage(x.Handle, x.Root, Area.X, Area.Y, (uint)Area.Width, (uint)Area.Height, Xlib.AllPlanes, Xlib.ZPixmap);
                if (image == IntPtr.Zero)
                    return false;
            }

            if (Marshal.ReadInt32(image, Xlib.ImageBitsPerPixel) != 32)
                return false; // 16-bit and 8-bit visuals are not supported: report the display as unreadable
            Stride = Marshal.ReadInt32(image, Xlib.ImageBytesPerLine);
            if (pending.Count > damage.Length)
                damage = new PixelRect[pending.Count * 2];
            pending.CopyTo(damage);
            damageCount = pending.Count;
            pending.Clear();
            Captured = true;
            return true;
        }

        public void Dispose()
        {
            if (shm && shmInfo != IntPtr.Zero)
            {
                Xlib.XShmDetach(x.Handle, shmInfo);
                Xlib.XSync(x.Handle, 0);
                Xlib.shmdt(Marshal.ReadIntPtr(shmInfo, 16));
                Marshal.WriteIntPtr(image, Xlib.ImageData, IntPtr.Zero);
                Marshal.FreeHGlobal(shmInfo);
            }

            Xlib.DestroyImage(image);
            image = IntPtr.Zero;
        }
    }

    /// <summary>See <see cref="NotifyChanges"/>: poll(2) on the X socket and a wake pipe for shutdown.</summary>
    private sealed unsafe class ChangeWatcher : IDisposable
    {
        private const short PollIn = 1;
        private readonly int socket;
        private readonly int wakeRead;
        private readonly int wakeWrite;
        private readonly ManualResetEventSlim armed = new(true);
        private readonly Thread thread;
        private volatile bool stopping;

        public ChangeWatcher(int socket)
        {
            this.socket = socket;
            var fds = stackalloc int[2];
            if (Xlib.pipe2(fds, 0x80000 | 0x800) != 0) // O_CLOEXEC | O_NONBLOCK
                throw new InvalidOperationException("pipe2 failed for the screen's change watcher.");
            (wakeRead, wakeWrite) = (fds[0], fds[1]);
            thread = new Thread(Run) { IsBackground = true, Name = "guruconnect-x11-damage" };
            thread.Start();
        }

        public Action? Changed { get; set; }

        public void Rearm() => armed.Set();

        public void Dispose()
        {
            stopping = true;
            byte one = 1;
            Xlib.write(wakeWrite, &one, 1);
            armed.Set();
            thread.Join();
            Xlib.close(wakeRead);
            Xlib.close(wakeWrite);
            armed.Dispose();
        }

        private void Run()
        {
            var fds = stackalloc Xlib.PollFd[2];
            fds[0].Fd = socket;
            fds[0].Events = PollIn;
            fds[1].Fd = wakeRead;
            fds[1].Events = PollIn;
            while (true)
            {
                armed.Wait();
                if (stopping)
                    return;
                armed.Reset();
                fds[0].Revents = fds[1].Revents = 0;
                if (Xlib.poll(fds, 2, -1) <= 0 || stopping)
                {
                    if (stopping)
                        return;
                    armed.Set(); // EINTR: poll again
                    continue;
                }

                if ((fds[0].Revents & PollIn) != 0)
                    Changed?.Invoke();
                else
                    armed.Set();
            }
        }
    }
}
