namespace GuruConnect.Agent.Streaming;

/// <summary>
/// The OS seam for input (XTest, SendInput). Only primitives: which buttons and keys are held, and
/// keeping modifiers consistent, is <see cref="InputTranslator"/>'s job so it is tested without an OS.
/// </summary>
internal interface IInputInjector : IDisposable
{
    /// <summary>Pointer to (x, y) on the virtual desktop (DisplayInfo.x/y space).</summary>
    void MoveTo(int x, int y);

    void Button(MouseButton button, bool down);

    /// <summary>Wheel movement in 1/120 notch units, signs as W3C WheelEvent (positive y scrolls down).</summary>
    void Wheel(int deltaX, int deltaY);

    /// <summary>
    /// Presses or releases the key with W3C <c>code</c> (falling back to the character in
    /// <paramref name="key"/>); false when the key cannot be typed here.
    /// </summary>
    bool Key(string code, string key, bool down);
}
