using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// Viewer input → injector calls: presses and releases only the buttons that changed, keeps Shift,
/// Control, Alt and Meta as the viewer's <c>modifiers</c> say (a key-up the browser never delivered
/// cannot leave Shift stuck), and remembers every held key so <see cref="ReleaseAll"/> can let go
/// when the viewer leaves or loses control. Thread-safe: input arrives on the transport's thread.
/// </summary>
internal sealed class InputTranslator(IInputInjector injector)
{
    private const int ButtonCount = 5;

    private static readonly (uint Bit, string Left, string Right)[] Modifiers =
    [
        (1, "ShiftLeft", "ShiftRight"),
        (2, "ControlLeft", "ControlRight"),
        (4, "AltLeft", "AltRight"),
        (8, "MetaLeft", "MetaRight"),
    ];

    private readonly Lock gate = new();
    private readonly List<string> held = [];
    private uint buttons;

    public IReadOnlyCollection<string> HeldKeys
    {
        get
        {
            lock (gate)
                return [.. held];
        }
    }

    public void Mouse(MouseInput input)
    {
        lock (gate)
        {
            injector.MoveTo(input.X, input.Y);
            var changed = (buttons ^ input.Buttons) & ((1u << ButtonCount) - 1);
            for (var b = 0; b < ButtonCount; b++)
            {
                var bit = 1u << b;
                if ((changed & bit) != 0)
                    injector.Button((MouseButton)b, (input.Buttons & bit) != 0);
            }

            buttons = input.Buttons & ((1u << ButtonCount) - 1);
            if (input.WheelX != 0 || input.WheelY != 0)
                injector.Wheel(input.WheelX, input.WheelY);
        }
    }

    public void Key(KeyInput input)
    {
        if (string.IsNullOrEmpty(input.Code) && string.IsNullOrEmpty(input.Key))
            return;
        lock (gate)
        {
            foreach (var (bit, left, right) in Modifiers)
            {
                if (input.Code == left || input.Code == right)
                    continue;
                var want = (input.Modifiers & bit) != 0;
                var has = held.Contains(left) || held.Contains(right);
                if (want && !has)
                    Press(left, left, true);
                else if (!want && has)
                {
                    Press(left, left, false);
                    Press(right, right, false);
                }
            }

            var id = string.IsNullOrEmpty(input.Code) ? input.Key : input.Code;
            if (input.Down || held.Contains(id))
                Press(id, input.Key, input.Down);
        }
    }

    /// <summary>Lets go of every key and button this viewer holds, last pressed first.</summary>
    public void ReleaseAll()
    {
        lock (gate)
        {
            for (var i = held.Count - 1; i >= 0; i--)
                injector.Key(held[i], string.Empty, false);
            held.Clear();
            for (var b = 0; b < ButtonCount; b++)
            {
                if ((buttons & (1u << b)) != 0)
                    injector.Button((MouseButton)b, false);
            }

            buttons = 0;
        }
    }

    private void Press(string id, string key, bool down)
    {
        var isHeld = held.Contains(id);
        if (!down && !isHeld)
            return;
        if (!injector.Key(id, key, down))
            return;
        if (down && !isHeld)
            held.Add(id);
        else if (!down)
            held.Remove(id);
    }
}
