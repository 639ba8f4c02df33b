using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol;

namespace GuruConnect.Agent.Platform.Windows.Capture;

/// <summary>
/// The Windows text clipboard (CF_UNICODETEXT) on its own thread with a message-only window: the
/// window owns what we put on the clipboard and must pump messages (another program emptying the
/// clipboard sends it WM_DESTROYCLIPBOARD and waits). Changes are found by polling
/// GetClipboardSequenceNumber every <see cref="PollInterval"/> — a number compare, cheap, and it needs
/// no window procedure of ours; our own writes are not reported back. Text over
/// <see cref="ProtocolLimits.MaxClipboardBytes"/> characters is ignored both ways (the protocol's limit is in UTF-8 bytes; ClipboardFilter applies it).
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe partial class WindowsClipboard : IClipboard
{
    public const int PollInterval = 250;

    private const uint UnicodeText = 13;
    private const uint WmApp = 0x8000;
    private const uint WmQuit = 0x0012;
    private const uint QsAllInput = 0x04FF;
    private const uint PmRemove = 1;
    private const uint GmemMoveable = 0x0002;
    private const nint MessageOnlyParent = -3;

    private readonly Lock gate = new();
    private readonly Thread thread;
    private readonly ManualResetEventSlim ready = new();
    private string? pending;
    private nint window;
    private uint ownSequence;
    private volatile bool stopping;

    public WindowsClipboard()
    {
        thread = new Thread(Run) { IsBackground = true, Name = "clipboard" };
        thread.Start();
        ready.Wait(TimeSpan.FromSeconds(5));
        if (window == 0)
            throw new InvalidOperationException("No clipboard window could be created.");
    }

    public event Action<string>? Changed;

    public void SetText(string text)
    {
        if (text.Length > ProtocolLimits.MaxClipboardBytes)
            return;
        lock (gate)
            pending = text;
        _ = PostMessageW(window, WmApp, 0, 0);
    }

    public void Dispose()
    {
        stopping = true;
        _ = PostMessageW(window, WmQuit, 0, 0);
        thread.Join(TimeSpan.FromSeconds(2));
        ready.Dispose();
    }

    private void Run()
    {
        fixed (char* className = "Message\0")
            window = CreateWindowExW(0, className, null, 0, 0, 0, 0, 0, MessageOnlyParent, 0, 0, 0);
        ready.Set();
        if (window == 0)
            return;
        var seen = GetClipboardSequenceNumber();
        var message = stackalloc byte[48];
        while (!stopping)
        {
            _ = MsgWaitForMultipleObjectsEx(0, null, PollInterval, QsAllInput, 0);
            while (PeekMessageW(message, 0, 0, 0, PmRemove))
            {
                if (*(uint*)(message + 8) == WmQuit)
                    stopping = true;
                _ = DispatchMessageW(message);
            }

            string? toSet;
            lock (gate)
                (toSet, pending) = (pending, null);
            if (toSet is not null && Write(toSet))
                seen = ownSequence = GetClipboardSequenceNumber();
            var now = GetClipboardSequenceNumber();
            if (now == seen)
                continue;
            seen = now;
            if (now != ownSequence && Read() is { } text)
                Changed?.Invoke(text);
        }

        _ = DestroyWindow(window);
    }

    private bool Write(string text)
    {
        if (!Open())
            return false;
        try
        {
            if (!EmptyClipboard())
                return false;
            var bytes = (nuint)((text.Length + 1) * sizeof(char));
            var memory = GlobalAlloc(GmemMoveable, bytes);
            if (memory == 0)
                return false;
            var target = (char*)GlobalLock(memory);
            if (target == null)
            {
                _ = GlobalFree(memory);
                return false;
            }

            text.AsSpan().CopyTo(new Span<char>(target, text.Length));
            target[text.Length] = '\0';
            _ = GlobalUnlock(memory);
            if (SetClipboardData(UnicodeText, memory) != 0)
                return true;
            _ = GlobalFree(memory); // still ours when SetClipboardData failed
            return false;
        }
        finally
        {
            _ = CloseClipboard();
        }
    }

    private string? Read()
    {
        if (!IsClipboardFormatAvailable(UnicodeText) || !Open())
            return null;
        try
        {
            var memory = GetClipboardData(UnicodeText);
            if (memory == 0)
                return null;
            var source = (char*)GlobalLock(memory);
            if (source == null)
                return null;
            try
            {
                // The block may be larger than the text and need not end in a NUL we can trust: bound both.
                var chars = (int)Math.Min(GlobalSize(memory) / sizeof(char), (nuint)ProtocolLimits.MaxClipboardBytes + 1);
                var span = new ReadOnlySpan<char>(source, chars);
                var end = span.IndexOf('\0');
                if (end < 0 && chars > ProtocolLimits.MaxClipboardBytes)
                    return null;
                return new string(end < 0 ? span : span[..end]);
            }
            finally
            {
                _ = GlobalUnlock(memory);
            }
        }
        finally
        {
            _ = CloseClipboard();
        }
    }

    // Another program may hold the clipboard for a moment.
    private bool Open()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (OpenClipboard(window))
                return true;
            _ = MsgWaitForMultipleObjectsEx(0, null, 10, 0, 0);
        }

        return false;
    }

    [LibraryImport("user32.dll", SetLastError = true)]
    private static partial nint CreateWindowExW(uint exStyle, char* className, char* windowName, uint style, int x, int y, int width, int height, nint parent, nint menu, nint instance, nint param);

    [LibraryImport("user32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool DestroyWindow(nint window);

    [LibraryImport("user32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool PostMessageW(nint window, uint message, nint wParam, nint lParam);

    [LibraryImport("user32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool PeekMessageW(void* message, nint window, uint first, uint last, uint remove);

    [LibraryImport("user32.dll")]
    private static partial nint DispatchMessageW(void* message);

    [LibraryImport("user32.dll")]
    private static partial uint MsgWaitForMultipleObjectsEx(uint count, nint* handles, uint milliseconds, uint wakeMask, uint flags);

    [LibraryImport("user32.dll")]
    private static partial uint GetClipboardSequenceNumber();

    [LibraryImport("user32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool OpenClipboard(nint owner);

    [LibraryImport("user32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseClipboard();

    [LibraryImport("user32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool EmptyClipboard();

    [LibraryImport("user32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool IsClipboardFormatAvailable(uint format);

    [LibraryImport("user32.dll")]
    private static partial nint GetClipboardData(uint format);

    [LibraryImport("user32.dll")]
    private static partial nint SetClipboardData(uint format, nint memory);

    [LibraryImport("kernel32.dll")]
    private static partial nint GlobalAlloc(uint flags, nuint bytes);

    [LibraryImport("kernel32.dll")]
    private static partial nint GlobalFree(nint memory);

    [LibraryImport("kernel32.dll")]
    private static partial void* GlobalLock(nint memory);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GlobalUnlock(nint memory);

    [LibraryImport("kernel32.dll")]
    private static partial nuint GlobalSize(nint memory);
}
