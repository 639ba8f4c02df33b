using GuruConnect.Agent.Platform.Linux.X11;
using GuruConnect.Agent.Tests.SessionWorker;

namespace GuruConnect.Agent.Tests.Streaming.X11;

public sealed class X11CursorTests
{
    [Fact]
    public void PremultipliedArgb_BecomesStraightRgba()
    {
        nuint[] argb =
        [
            0xFF102030,              // opaque: unchanged
            0x80400000,              // half-transparent red premultiplied (0x40 of 0x80) → 0x80 straight
            0x00000000,              // transparent
            0x01010101,              // alpha 1: channels 1/1 → 255
            unchecked((nuint)0xFFFFFFFF_7F7F7F7Ful), // only the low 32 bits are the pixel (a C long on LP64)
        ];
        var rgba = new byte[argb.Length * 4];

        X11CursorPixels.ToStraightRgba(argb, rgba).ShouldBeTrue();

        rgba.ShouldBe(new byte[]
        {
            0x10, 0x20, 0x30, 0xFF,
            0x80, 0x00, 0x00, 0x80,
            0, 0, 0, 0,
            0xFF, 0xFF, 0xFF, 0x01,
            0xFF, 0xFF, 0xFF, 0x7F,
        });
    }

    [Fact]
    public void AFullyTransparentShape_IsNotVisible()
    {
        var rgba = new byte[8];
        X11CursorPixels.ToStraightRgba([0, 0x00FFFFFF], rgba).ShouldBeFalse();
        rgba.ShouldAllBe(b => b == 0);
    }

    [Fact]
    public async Task OnXvfb_ThePointerPositionFollowsXTestMotion_AndTheShapeIsRead()
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(640, 480);
        using var cursor = new X11Cursor(X11Connection.Open(xvfb.Display));
        using var input = new X11Input(X11Connection.Open(xvfb.Display));

        input.MoveTo(123, 45);
        var state = cursor.Poll();
        await Eventually.TrueAsync(() => (state.X, state.Y) == (123, 45), "the pointer at 123,45", () => state = cursor.Poll()); // the injector only flushes

        (state.X, state.Y, state.Visible).ShouldBe((123, 45, true));
        state.ShapeId.ShouldNotBe(0u);

        var shape = cursor.ReadShape().ShouldNotBeNull();
        shape.Id.ShouldBe(state.ShapeId);
        shape.Rgba.Length.ShouldBe((int)(shape.W * shape.H * 4));
        shape.W.ShouldBeGreaterThan(0u);
        shape.HotX.ShouldBeLessThan(shape.W);
    }
}
