using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Tests.Streaming;

public sealed class InputTranslatorTests
{
    private readonly RecordingInjector injector = new();
    private readonly InputTranslator input;

    public InputTranslatorTests() => input = new InputTranslator(injector);

    [Fact]
    public void Mouse_PressesAndReleasesOnlyTheButtonsThatChanged()
    {
        input.Mouse(new MouseInput { X = 10, Y = 20, Buttons = 1 });
        input.Mouse(new MouseInput { X = 11, Y = 21, Buttons = 1 | 2 });
        input.Mouse(new MouseInput { X = 12, Y = 22, Buttons = 2, WheelY = 240 });

        injector.Events.ShouldBe([
            "move 10,20", "button Primary down",
            "move 11,21", "button Secondary down",
            "move 12,22", "button Primary up", "wheel 0,240",
        ]);
    }

    [Fact]
    public void Key_WithShiftInItsModifiers_HoldsShiftFirst()
    {
        input.Key(new KeyInput { Code = "KeyA", Key = "A", Down = true, Modifiers = 1 });
        input.Key(new KeyInput { Code = "KeyA", Key = "A", Down = false, Modifiers = 1 });
        input.Key(new KeyInput { Code = "KeyB", Key = "b", Down = true, Modifiers = 0 });

        injector.Events.ShouldBe([
            "key ShiftLeft down", "key KeyA down", "key KeyA up",
            "key ShiftLeft up", "key KeyB down",
        ]);
    }

    [Fact]
    public void ModifierKeys_ThemselvesAreNotDoubled()
    {
        input.Key(new KeyInput { Code = "ControlRight", Down = true, Modifiers = 2 });
        input.Key(new KeyInput { Code = "KeyC", Down = true, Modifiers = 2 });

        injector.Events.ShouldBe(["key ControlRight down", "key KeyC down"]);
    }

    [Fact]
    public void AKeyUpForAKeyNotHeld_IsDropped()
    {
        input.Key(new KeyInput { Code = "KeyQ", Down = false });

        injector.Events.ShouldBeEmpty();
    }

    [Fact]
    public void ReleaseAll_LetsGoOfEveryKeyAndButton_LastFirst()
    {
        input.Key(new KeyInput { Code = "ShiftLeft", Down = true, Modifiers = 1 });
        input.Key(new KeyInput { Code = "KeyX", Down = true, Modifiers = 1 });
        input.Mouse(new MouseInput { Buttons = 4 });
        injector.Clear();

        input.ReleaseAll();

        injector.Events.ShouldBe(["key KeyX up", "key ShiftLeft up", "button Middle up"]);
        input.HeldKeys.ShouldBeEmpty();
    }

    [Fact]
    public void AnUnmappableKey_IsNotRemembered()
    {
        input.Key(new KeyInput { Code = "Unmappable", Down = true });

        input.HeldKeys.ShouldBeEmpty();
    }
}
