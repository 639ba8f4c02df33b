using System.Collections.Frozen;

namespace GuruConnect.Agent.Platform.Windows.Capture;

/// <summary>
/// W3C <c>KeyboardEvent.code</c> → PC set-1 scan code (+ the E0 "extended" flag), what SendInput with
/// KEYEVENTF_SCANCODE wants: the code names a physical key, and so does a scan code, so the layout
/// of the remote machine decides the character, as it would for a local keyboard.
/// </summary>
internal static class ScanCodes
{
    private static readonly FrozenDictionary<string, (ushort Scan, bool Extended)> Codes = Build();

    public static bool TryGet(string code, out ushort scan, out bool extended)
    {
        if (Codes.TryGetValue(code, out var entry))
        {
            (scan, extended) = entry;
            return true;
        }

        (scan, extended) = (0, false);
        return false;
    }

    private static FrozenDictionary<string, (ushort, bool)> Build()
    {
        var map = new Dictionary<string, (ushort, bool)>(StringComparer.Ordinal);
        void Row(string letters, ushort first)
        {
            for (var i = 0; i < letters.Length; i++)
                map["Key" + letters[i]] = ((ushort)(first + i), false);
        }

        Row("QWERTYUIOP", 0x10);
        Row("ASDFGHJKL", 0x1E);
        Row("ZXCVBNM", 0x2C);
        for (var d = 1; d <= 9; d++)
            map["Digit" + d] = ((ushort)(0x01 + d), false);
        map["Digit0"] = (0x0B, false);
        for (var f = 1; f <= 10; f++)
            map["F" + f] = ((ushort)(0x3A + f), false);
        map["F11"] = (0x57, false);
        map["F12"] = (0x58, false);
        (string, ushort)[] plain =
        [
            ("Escape", 0x01), ("Minus", 0x0C), ("Equal", 0x0D), ("Backspace", 0x0E), ("Tab", 0x0F),
            ("BracketLeft", 0x1A), ("BracketRight", 0x1B), ("Enter", 0x1C), ("ControlLeft", 0x1D),
            ("Semicolon", 0x27), ("Quote", 0x28), ("Backquote", 0x29), ("ShiftLeft", 0x2A), ("Backslash", 0x2B),
            ("Comma", 0x33), ("Period", 0x34), ("Slash", 0x35), ("ShiftRight", 0x36), ("NumpadMultiply", 0x37),
            ("AltLeft", 0x38), ("Space", 0x39), ("CapsLock", 0x3A), ("NumLock", 0x45), ("ScrollLock", 0x46),
            ("Numpad7", 0x47), ("Numpad8", 0x48), ("Numpad9", 0x49), ("NumpadSubtract", 0x4A), ("Numpad4", 0x4B),
            ("Numpad5", 0x4C), ("Numpad6", 0x4D), ("NumpadAdd", 0x4E), ("Numpad1", 0x4F), ("Numpad2", 0x50),
            ("Numpad3", 0x51), ("Numpad0", 0x52), ("NumpadDecimal", 0x53), ("IntlBackslash", 0x56),
        ];
        foreach (var (code, scan) in plain)
            map[code] = (scan, false);
        (string, ushort)[] extended =
        [
            ("NumpadEnter", 0x1C), ("ControlRight", 0x1D), ("NumpadDivide", 0x35), ("PrintScreen", 0x37),
            ("AltRight", 0x38), ("Home", 0x47), ("ArrowUp", 0x48), ("PageUp", 0x49), ("ArrowLeft", 0x4B),
            ("ArrowRight", 0x4D), ("End", 0x4F), ("ArrowDown", 0x50), ("PageDown", 0x51), ("Insert", 0x52),
            ("Delete", 0x53), ("MetaLeft", 0x5B), ("MetaRight", 0x5C), ("OSLeft", 0x5B), ("OSRight", 0x5C),
            ("ContextMenu", 0x5D),
        ];
        foreach (var (code, scan) in extended)
            map[code] = (scan, true);
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
