using System.Collections.Frozen;

namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>
/// W3C <c>KeyboardEvent.code</c> (a physical key on a US layout) → X keysym; the server's own keymap
/// then gives the keycode (XKeysymToKeycode), so this works on Xvfb and on real layouts alike.
/// </summary>
internal static class X11Keys
{
    private static readonly FrozenDictionary<string, uint> Named = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["Enter"] = 0xFF0D,
        ["Escape"] = 0xFF1B,
        ["Backspace"] = 0xFF08,
        ["Tab"] = 0xFF09,
        ["Space"] = 0x20,
        ["Minus"] = 0x2D,
        ["Equal"] = 0x3D,
        ["BracketLeft"] = 0x5B,
        ["BracketRight"] = 0x5D,
        ["Backslash"] = 0x5C,
        ["Semicolon"] = 0x3B,
        ["Quote"] = 0x27,
        ["Backquote"] = 0x60,
        ["Comma"] = 0x2C,
        ["Period"] = 0x2E,
        ["Slash"] = 0x2F,
        ["IntlBackslash"] = 0x3C,
        ["CapsLock"] = 0xFFE5,
        ["ShiftLeft"] = 0xFFE1,
        ["ShiftRight"] = 0xFFE2,
        ["ControlLeft"] = 0xFFE3,
        ["ControlRight"] = 0xFFE4,
        ["AltLeft"] = 0xFFE9,
        ["AltRight"] = 0xFFEA,
        ["MetaLeft"] = 0xFFEB,
        ["MetaRight"] = 0xFFEC,
        ["OSLeft"] = 0xFFEB,
        ["OSRight"] = 0xFFEC,
        ["ContextMenu"] = 0xFF67,
        ["ArrowLeft"] = 0xFF51,
        ["ArrowUp"] = 0xFF52,
        ["ArrowRight"] = 0xFF53,
        ["ArrowDown"] = 0xFF54,
        ["Home"] = 0xFF50,
        ["End"] = 0xFF57,
        ["PageUp"] = 0xFF55,
        ["PageDown"] = 0xFF56,
        ["Insert"] = 0xFF63,
        ["Delete"] = 0xFFFF,
        ["PrintScreen"] = 0xFF61,
        ["ScrollLock"] = 0xFF14,
        ["Pause"] = 0xFF13,
        ["NumLock"] = 0xFF7F,
        ["NumpadAdd"] = 0xFFAB,
        ["NumpadSubtract"] = 0xFFAD,
        ["NumpadMultiply"] = 0xFFAA,
        ["NumpadDivide"] = 0xFFAF,
        ["NumpadDecimal"] = 0xFFAE,
        ["NumpadEnter"] = 0xFF8D,
        ["NumpadEqual"] = 0xFFBD,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The keysym for <paramref name="code"/>, else for the single character <paramref name="key"/>; 0 if none.</summary>
    public static uint Keysym(string code, string key)
    {
        if (Named.TryGetValue(code, out var named))
            return named;
        if (code.Length == 4 && code.StartsWith("Key", StringComparison.Ordinal) && code[3] is >= 'A' and <= 'Z')
            return (uint)char.ToLowerInvariant(code[3]);
        if (code.Length == 6 && code.StartsWith("Digit", StringComparison.Ordinal) && char.IsAsciiDigit(code[5]))
            return code[5];
        if (code.Length == 7 && code.StartsWith("Numpad", StringComparison.Ordinal) && char.IsAsciiDigit(code[6]))
            return 0xFFB0u + (uint)(code[6] - '0');
        if (code.Length is 2 or 3 && code[0] == 'F' && int.TryParse(code.AsSpan(1), out var f) && f is >= 1 and <= 24)
            return 0xFFBEu + (uint)(f - 1);
        // A character the code does not name (another layout's key): Latin-1 keysyms are the code point,
        // the rest are 0x01000000 + code point (X11 keysymdef.h).
        var cp = key.Length == 1 && !char.IsSurrogate(key[0]) ? key[0]
            : key.Length == 2 && char.IsSurrogatePair(key, 0) ? char.ConvertToUtf32(key, 0)
            : -1;
        return cp switch
        {
            < 0x20 => 0,
            < 0x100 => (uint)cp,
            _ => 0x01000000u + (uint)cp,
        };
    }
}
