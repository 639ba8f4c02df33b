using GuruConnect.Agent.Platform.Linux.X11;
using GuruConnect.Agent.Platform.Windows.Capture;

namespace GuruConnect.Agent.Tests.Streaming;

/// <summary>W3C <c>code</c> → X keysym and → Windows scan code, the tables both injectors rely on.</summary>
public sealed class KeyMapTests
{
    [Theory]
    [InlineData("KeyA", "", 0x61u)]
    [InlineData("KeyZ", "", 0x7Au)]
    [InlineData("Digit7", "", 0x37u)]
    [InlineData("F12", "", 0xFFC9u)]
    [InlineData("Enter", "", 0xFF0Du)]
    [InlineData("ShiftLeft", "", 0xFFE1u)]
    [InlineData("Numpad3", "", 0xFFB3u)]
    [InlineData("IntlRo", "ß", 0xDFu)]
    [InlineData("Unknown", "€", 0x010020ACu)]
    [InlineData("Unknown", "", 0u)]
    [InlineData("Unknown", "\u0007", 0u)]
    public void X11Keysym(string code, string key, uint keysym) => X11Keys.Keysym(code, key).ShouldBe(keysym);

    [Theory]
    [InlineData("KeyQ", 0x10, false)]
    [InlineData("KeyA", 0x1E, false)]
    [InlineData("KeyM", 0x32, false)]
    [InlineData("Digit0", 0x0B, false)]
    [InlineData("F10", 0x44, false)]
    [InlineData("ArrowUp", 0x48, true)]
    [InlineData("ControlRight", 0x1D, true)]
    public void WindowsScanCode(string code, int scan, bool extended)
    {
        ScanCodes.TryGet(code, out var s, out var e).ShouldBeTrue();
        ((int)s, e).ShouldBe((scan, extended));
    }

    [Fact]
    public void WindowsScanCode_UnknownCode_IsNotMapped() => ScanCodes.TryGet("Unknown", out _, out _).ShouldBeFalse();
}
