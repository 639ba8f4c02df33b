using System.Buffers;
using System.Diagnostics;
using System.Text;
using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol;

namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>
/// The CLIPBOARD selection as UTF-8 text, on its own X connection and event thread (docs/agent.md
/// "Capture, encoding, input"). <see cref="SetText"/> makes the agent the selection owner, and the
/// thread answers other clients' <c>SelectionRequest</c>s (TARGETS, UTF8_STRING, TEXT,
/// text/plain;charset=utf-8, STRING) from the stored bytes. XFixes tells the thread when another
/// client takes the selection; it then converts it to UTF8_STRING (STRING when refused) into a
/// property of its own window, reading INCR transfers chunk by chunk, and raises
/// <see cref="Changed"/>. Conversions take turns between two properties, and a property whose INCR
/// transfer was left unfinished (a new owner, the viewer's own text, a timeout) is not used again: its
/// owner may still write chunks into it whenever it is deleted, and they must not become part of the
/// next owner's value. A value over the protocol's 1 MiB is refused, not truncated (an INCR
/// transfer is still drained so the other client finishes); a conversion the owner never answers
/// is given up after <see cref="ConvertTimeout"/>. The text itself is never logged.
/// </summary>
internal sealed unsafe class X11Clipboard : IClipboard
{
    public static readonly TimeSpan ConvertTimeout = TimeSpan.FromSeconds(3);

    private const int PropertyNotify = 28;
    private const int SelectionClear = 29;
    private const int SelectionRequest = 30;
    private const int SelectionNotify = 31;
    private const nint PropertyChangeMask = 1 << 22;
    private const int PropertyNewValue = 0;
    private const int PropModeReplace = 0;
    private const nuint XaAtom = 4;
    private const nuint XaString = 31;
    private const nuint SetSelectionOwnerNotifyMask = 1;
    private const short PollIn = 1;

    private readonly X11Connection x;
    private readonly int fixesEvent;
    private readonly nuint window;
    private readonly nuint clipboard;
    private readonly nuint utf8;
    private readonly nuint text;
    private readonly nuint textPlain;
    private readonly nuint targets;
    private readonly nuint incr;
    private readonly nuint[] properties = new nuint[2];
    private readonly int maxPropertyBytes;
    private readonly int wakeRead;
    private readonly int wakeWrite;
    private readonly Thread thread;
    private readonly Lock gate = new();
    private readonly byte* xevent = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(192);
    private byte[]? requested;
    private volatile bool stopping;

    // Event-thread state.
    private byte[]? owned;
    private Read? current;
    private int readsEnded;
    private int conversions;
    private int retiredProperties;
    private volatile bool incremental;

    /// <summary>Conversions of another client's clipboard that have ended (read, refused or given up): tests wait on it.</summary>
    internal int ReadsEnded => Volatile.Read(ref readsEnded);

    /// <summary>Whether a conversion is receiving INCR chunks now: tests replace the owner mid-transfer.</summary>
    internal bool ReadingIncrementally => incremental;

    private Read? Reading
    {
        get => current;
        set
        {
            if (current is not null && value is null)
                Interlocked.Increment(ref readsEnded);
            if (current is { Incremental: true, Finished: false } left)
                Retire(left.Property);
            current = value;
            incremental = false;
        }
    }

    public X11Clipboard(X11Connection connection)
    {
        x = connection;
        if (!Xlib.XFixesQueryExtension(x.Handle, out fixesEvent, out _))
        {
            x.Dispose();
            throw new InvalidOperationException("The X server has no XFixes: the clipboard cannot follow other clients.");
        }

        window = Xlib.XCreateSimpleWindow(x.Handle, x.Root, -10, -10, 1, 1, 0, 0, 0);
        Xlib.XSelectInput(x.Handle, window, PropertyChangeMask);
        clipboard = Atom("CLIPBOARD");
        utf8 = Atom("UTF8_STRING");
        text = Atom("TEXT");
        textPlain = Atom("text/plain;charset=utf-8");
        targets = Atom("TARGETS");
        incr = Atom("INCR");
        properties[0] = Atom("GURUCONNECT_CLIPBOARD");
        properties[1] = Atom("GURUCONNECT_CLIPBOARD_2");
        Xlib.XFixesSelectSelectionInput(x.Handle, window, clipboard, SetSelectionOwnerNotifyMask);
        // One ChangeProperty request must fit the server's maximum request (BIG-REQUESTS raises it);
        // the protocol's own cap is far below either on any real server.
        var maxRequest = (long)Xlib.XExtendedMaxRequestSize(x.Handle);
        if (maxRequest == 0)
            maxRequest = Xlib.XMaxRequestSize(x.Handle);
        maxPropertyBytes = (int)Math.Min(ProtocolLimits.MaxClipboardBytes, (maxRequest * 4) - 64);
        Xlib.XFlush(x.Handle);

        var fds = stackalloc int[2];
        if (Xlib.pipe2(fds, 0x80000 | 0x800) != 0) // O_CLOEXEC | O_NONBLOCK
        {
            Xlib.XDestroyWindow(x.Handle, window);
            x.Dispose();
            throw new InvalidOperationException("pipe2 failed for the clipboard thread.");
        }

        (wakeRead, wakeWrite) = (fds[0], fds[1]);
        thread = new Thread(Run) { IsBackground = true, Name = "X11 clipboard" };
        thread.Start();
    }

    public event Action<string>? Changed;

    /// <summary>The largest value (UTF-8 bytes) the agent will own; larger text is refused.</summary>
    public int MaxBytes => maxPropertyBytes;

    public void SetText(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > maxPropertyBytes)
            return;
        lock (gate)
            requested = bytes;
        Wake();
    }

    public void Dispose()
    {
        if (stopping)
            return;
        stopping = true;
        Wake();
        thread.Join();
        Xlib.XDestroyWindow(x.Handle, window);
        x.Dispose();
        Xlib.close(wakeRead);
        Xlib.close(wakeWrite);
        System.Runtime.InteropServices.NativeMemory.Free(xevent);
    }

    private nuint Atom(string name) => Xlib.XInternAtom(x.Handle, name, 0);

    private void Wake()
    {
        byte one = 1;
        Xlib.write(wakeWrite, &one, 1);
    }

    private void Run()
    {
        var fds = stackalloc Xlib.PollFd[2];
        var drain = stackalloc byte[64];
        fds[0].Fd = Xlib.XConnectionNumber(x.Handle);
        fds[0].Events = PollIn;
        fds[1].Fd = wakeRead;
        fds[1].Events = PollIn;
        while (!stopping)
        {
            TakeOwnershipIfRequested();
            while (!stopping && Xlib.XPending(x.Handle) > 0)
            {
                Xlib.XNextEvent(x.Handle, xevent);
                Handle();
            }

            Xlib.XFlush(x.Handle);
            if (Reading is { } r && Stopwatch.GetElapsedTime(r.Started) > ConvertTimeout)
                Reading = null; // the owner never answered (or stalled mid-INCR): give up quietly
            fds[0].Revents = fds[1].Revents = 0;
            Xlib.poll(fds, 2, Reading is null ? -1 : 250);
            if ((fds[1].Revents & PollIn) != 0)
            {
                while (Xlib.read(wakeRead, drain, 64) > 0)
                {
                }
            }
        }
    }

    private void TakeOwnershipIfRequested()
    {
        byte[]? bytes;
        lock (gate)
        {
            bytes = requested;
            requested = null;
        }

        if (bytes is null)
            return;
        owned = bytes;
        Reading = null; // the viewer's text wins over a conversion still under way
        Xlib.XSetSelectionOwner(x.Handle, clipboard, window, 0);
        if (Xlib.XGetSelectionOwner(x.Handle, clipboard) != window)
            owned = null;
    }

    private void Handle()
    {
        var type = *(int*)xevent;
        if (type == fixesEvent) // XFixesSelectionNotify, subtype SetSelectionOwner
        {
            var owner = *(nuint*)(xevent + 48);
            var selection = *(nuint*)(xevent + 56);
            var timestamp = *(nuint*)(xevent + 72);
            if (selection == clipboard && owner != 0 && owner != window)
                StartRead(utf8, timestamp);
            return;
        }

        switch (type)
        {
            case SelectionRequest:
                Answer();
                break;
            case SelectionClear when *(nuint*)(xevent + 40) == clipboard:
                owned = null;
                break;
            case SelectionNotify when *(nuint*)(xevent + 32) == window:
                Converted(target: *(nuint*)(xevent + 48), result: *(nuint*)(xevent + 56));
                break;
            case PropertyNotify when *(nuint*)(xevent + 32) == window && Reading is { Incremental: true } r
                                     && *(nuint*)(xevent + 40) == r.Property && *(int*)(xevent + 56) == PropertyNewValue:
                Chunk();
                break;
        }
    }

    /// <summary>
    /// A property an unfinished INCR owner may still write into gets a fresh name in its turn. One atom
    /// per transfer left unfinished, which is rare; atoms are never freed by the X server.
    /// </summary>
    private void Retire(nuint property)
    {
        var turn = Array.IndexOf(properties, property);
        if (turn >= 0)
            properties[turn] = Atom($"GURUCONNECT_CLIPBOARD_{++retiredProperties + 2}");
    }

    private void StartRead(nuint target, nuint timestamp)
    {
        // The other property than the last conversion's: see the class comment.
        var property = properties[conversions++ & 1];
        Reading = new Read(target, timestamp, property);
        Xlib.XDeleteProperty(x.Handle, window, property);
        Xlib.XConvertSelection(x.Handle, clipboard, target, property, window, timestamp);
    }

    private void Converted(nuint target, nuint result)
    {
        if (Reading is not { Incremental: false } r || target != r.Target || (result != 0 && result != r.Property))
            return;
        if (result == 0)
        {
            // Refused: an older client may still offer Latin-1.
            if (r.Target == utf8)
                StartRead(XaString, r.Timestamp);
            else
                Reading = null;
            return;
        }

        var longs = (nint)(ProtocolLimits.MaxClipboardBytes / 4) + 1;
        if (Xlib.XGetWindowProperty(x.Handle, window, r.Property, 0, longs, 1, 0, out var type, out var format, out var items, out var after, out var data) != 0)
        {
            Reading = null;
            return;
        }

        try
        {
            if (type == incr)
            {
                // Deleting the INCR property (done by the read) tells the owner to send the first chunk.
                r.Incremental = true;
                incremental = true;
                r.Started = Stopwatch.GetTimestamp();
                return;
            }

            Reading = null;
            if (format != 8 || after != 0 || (long)items > ProtocolLimits.MaxClipboardBytes)
                return; // not text, or over the protocol's limit: refused, not truncated
            Publish(new ReadOnlySpan<byte>((void*)data, (int)items), r.Target);
        }
        finally
        {
            if (data != IntPtr.Zero)
                Xlib.XFree(data);
        }
    }

    private void Chunk()
    {
        var r = Reading!;
        if (Xlib.XGetWindowProperty(x.Handle, window, r.Property, 0, (nint)(ProtocolLimits.MaxClipboardBytes / 4) + 1, 1, 0,
                out _, out var format, out var items, out _, out var data) != 0)
        {
            Reading = null;
            return;
        }

        try
        {
            r.Started = Stopwatch.GetTimestamp(); // a live transfer is not timed out
            if (items == 0)
            {
                r.Finished = true;
                Reading = null;
                if (!r.TooLarge)
                    Publish(r.Buffer.WrittenSpan, r.Target);
                return;
            }

            // Over the limit: keep deleting (so the owner finishes) but drop the bytes.
            if (r.TooLarge || format != 8 || r.Buffer.WrittenCount + (long)items > ProtocolLimits.MaxClipboardBytes)
            {
                r.TooLarge = true;
                r.Buffer.Clear();
                return;
            }

            r.Buffer.Write(new ReadOnlySpan<byte>((void*)data, (int)items));
        }
        finally
        {
            if (data != IntPtr.Zero)
                Xlib.XFree(data);
        }
    }

    private void Publish(ReadOnlySpan<byte> bytes, nuint target)
    {
        var value = target == XaString ? Encoding.Latin1.GetString(bytes) : Encoding.UTF8.GetString(bytes);
        if (Changed is not { } changed)
            return;
        // Never on this thread: a subscriber that takes a lock the disposer holds must not stall the X loop.
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.changed(s.value), (changed, value), preferLocal: false);
    }

    /// <summary>Answers another client's SelectionRequest from the owned bytes (ICCCM §2.2).</summary>
    private void Answer()
    {
        var requestor = *(nuint*)(xevent + 40);
        var selection = *(nuint*)(xevent + 48);
        var target = *(nuint*)(xevent + 56);
        var into = *(nuint*)(xevent + 64);
        var time = *(nuint*)(xevent + 72);
        if (into == 0)
            into = target; // an obsolete client
        var answered = owned is { } bytes && selection == clipboard && Provide(requestor, target, into, bytes);

        var reply = stackalloc byte[192];
        new Span<byte>(reply, 192).Clear();
        *(int*)reply = SelectionNotify;
        *(int*)(reply + 16) = 1; // send_event
        *(nuint*)(reply + 32) = requestor;
        *(nuint*)(reply + 40) = selection;
        *(nuint*)(reply + 48) = target;
        *(nuint*)(reply + 56) = answered ? into : 0;
        *(nuint*)(reply + 64) = time;
        Xlib.XSendEvent(x.Handle, requestor, 0, 0, reply);
    }

    private bool Provide(nuint requestor, nuint target, nuint into, byte[] bytes)
    {
        if (target == targets)
        {
            // Format-32 properties are arrays of C longs on the client side.
            var list = stackalloc nuint[] { targets, utf8, text, textPlain, XaString };
            Xlib.XChangeProperty(x.Handle, requestor, into, XaAtom, 32, PropModeReplace, (byte*)list, 5);
            return true;
        }

        if (target == utf8 || target == text || target == textPlain)
        {
            fixed (byte* p = bytes)
                Xlib.XChangeProperty(x.Handle, requestor, into, target == textPlain ? textPlain : utf8, 8, PropModeReplace, p, bytes.Length);
            return true;
        }

        if (target == XaString)
        {
            var latin1 = Encoding.Latin1.GetBytes(Encoding.UTF8.GetString(bytes));
            fixed (byte* p = latin1)
                Xlib.XChangeProperty(x.Handle, requestor, into, XaString, 8, PropModeReplace, p, latin1.Length);
            return true;
        }

        return false; // MULTIPLE, TIMESTAMP, images…: refused
    }

    private sealed class Read(nuint target, nuint timestamp, nuint property)
    {
        public nuint Target { get; } = target;

        /// <summary>The property of the agent's window this conversion was asked into.</summary>
        public nuint Property { get; } = property;

        public nuint Timestamp { get; } = timestamp;

        public long Started { get; set; } = Stopwatch.GetTimestamp();

        public bool Incremental { get; set; }

        /// <summary>The INCR transfer's last (empty) chunk has come: its owner is done with the property.</summary>
        public bool Finished { get; set; }

        public bool TooLarge { get; set; }

        public ArrayBufferWriter<byte> Buffer { get; } = new();
    }
}
