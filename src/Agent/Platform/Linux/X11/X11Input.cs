using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>
/// Input through XTest on its own X connection: pointer motion on the root (virtual-desktop
/// coordinates), buttons 1-3 and 8/9, the wheel as buttons 4-7 (one click per 120 units, the
/// remainder kept for the next event), keys by keysym through the server's keymap.
/// </summary>
internal sealed class X11Input(X11Connection x) : IInputInjector
{
    private const int Notch = 120;

    // W3C primary, secondary, middle, back, forward → X core buttons.
    private static readonly uint[] Buttons = [1, 3, 2, 8, 9];

    private readonly Lock gate = new();
    private int wheelX;
    private int wheelY;

    public void MoveTo(int px, int py)
    {
        lock (gate)
        {
            Xlib.XTestFakeMotionEvent(x.Handle, x.Screen, px, py, 0);
            Xlib.XFlush(x.Handle);
        }
    }

    public void Button(MouseButton button, bool down)
    {
        lock (gate)
        {
            Xlib.XTestFakeButtonEvent(x.Handle, Buttons[(int)button], down ? 1 : 0, 0);
            Xlib.XFlush(x.Handle);
        }
    }

    public void Wheel(int deltaX, int deltaY)
    {
        lock (gate)
        {
            wheelX += deltaX;
            wheelY += deltaY;
            Clicks(ref wheelY, up: 4, down: 5);
            Clicks(ref wheelX, up: 6, down: 7);
            Xlib.XFlush(x.Handle);
        }
    }

    public bool Key(string code, string key, bool down)
    {
        var keysym = X11Keys.Keysym(code, key);
        if (keysym == 0)
            return false;
        lock (gate)
        {
            var keycode = Xlib.XKeysymToKeycode(x.Handle, keysym);
            if (keycode == 0)
                return false;
            Xlib.XTestFakeKeyEvent(x.Handle, keycode, down ? 1 : 0, 0);
            Xlib.XFlush(x.Handle);
            return true;
        }
    }

    public void Dispose()
    {
        lock (gate)
            x.Dispose();
    }

    private void Clicks(ref int accumulated, uint up, uint down)
    {
        // Clamp a flood: a notch count beyond this is a bogus viewer, not a fast wheel.
        accumulated = Math.Clamp(accumulated, -Notch * 50, Notch * 50);
        while (Math.Abs(accumulated) >= Notch)
        {
            var button = accumulated > 0 ? down : up;
            Xlib.XTestFakeButtonEvent(x.Handle, button, 1, 0);
            Xlib.XTestFakeButtonEvent(x.Handle, button, 0, 0);
            accumulated -= Math.Sign(accumulated) * Notch;
        }
    }
}
