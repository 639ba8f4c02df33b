using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Windows.Capture;

/// <summary>
/// Input through SendInput: absolute moves over the virtual desktop, buttons, both wheels, keys by scan
/// code (KEYEVENTF_SCANCODE, E0 keys extended), a character the code does not name as KEYEVENTF_UNICODE.
/// </summary>
internal sealed class SendInputInjector : IInputInjector
{
    private const uint Mouse = 0;
    private const uint Keyboard = 1;
    private const uint MoveFlags = 0x0001 | 0x8000 | 0x4000; // MOVE | ABSOLUTE | VIRTUALDESK
    private const uint VerticalWheel = 0x0800;
    private const uint HorizontalWheel = 0x1000;
    private const uint KeyUp = 0x0002;
    private const uint ScanCode = 0x0008;
    private const uint ExtendedKey = 0x0001;
    private const uint Unicode = 0x0004;

    // W3C primary, secondary, middle, back, forward → (down flag, up flag, mouseData).
    private static readonly (uint Down, uint Up, uint Data)[] Buttons =
        [(0x02, 0x04, 0), (0x08, 0x10, 0), (0x20, 0x40, 0), (0x80, 0x100, 1), (0x80, 0x100, 2)];

    public void MoveTo(int x, int y)
    {
        var vx = Win32.GetSystemMetrics(Win32.SmXVirtualScreen);
        var vy = Win32.GetSystemMetrics(Win32.SmYVirtualScreen);
        var vw = Math.Max(2, Win32.GetSystemMetrics(Win32.SmCxVirtualScreen));
        var vh = Math.Max(2, Win32.GetSystemMetrics(Win32.SmCyVirtualScreen));
        SendMouse((x - vx) * 65535 / (vw - 1), (y - vy) * 65535 / (vh - 1), 0, MoveFlags);
    }

    public void Button(MouseButton button, bool down)
    {
        var (d, u, data) = Buttons[(int)button];
        SendMouse(0, 0, data, down ? d : u);
    }

    public void Wheel(int deltaX, int deltaY)
    {
        // Windows: positive WHEEL scrolls up (away from the user); W3C positive deltaY scrolls down.
        if (deltaY != 0)
            SendMouse(0, 0, unchecked((uint)-deltaY), VerticalWheel);
        if (deltaX != 0)
            SendMouse(0, 0, unchecked((uint)deltaX), HorizontalWheel);
    }

    public bool Key(string code, string key, bool down)
    {
        if (ScanCodes.TryGet(code, out var scan, out var extended))
            return SendKey(scan, ScanCode | (extended ? ExtendedKey : 0) | (down ? 0 : KeyUp));
        if (key.Length == 1)
            return SendKey(key[0], Unicode | (down ? 0 : KeyUp));
        return false;
    }

    public void Dispose()
    {
    }

    private static unsafe void SendMouse(int dx, int dy, uint data, uint flags)
    {
        // INPUT (x64): DWORD type; 4 bytes padding; MOUSEINPUT { LONG dx, dy; DWORD mouseData, dwFlags, time; ULONG_PTR extra }.
        var input = stackalloc byte[40];
        new Span<byte>(input, 40).Clear();
        *(uint*)input = Mouse;
        *(int*)(input + 8) = dx;
        *(int*)(input + 12) = dy;
        *(uint*)(input + 16) = data;
        *(uint*)(input + 20) = flags;
        _ = Win32.SendInput(1, input, 40);
    }

    private static unsafe bool SendKey(ushort scan, uint flags)
    {
        // KEYBDINPUT { WORD wVk, wScan; DWORD dwFlags, time; ULONG_PTR extra } after the 8-byte header.
        var input = stackalloc byte[40];
        new Span<byte>(input, 40).Clear();
        *(uint*)input = Keyboard;
        *(ushort*)(input + 10) = scan;
        *(uint*)(input + 12) = flags;
        return Win32.SendInput(1, input, 40) == 1;
    }
}
