namespace GuruConnect.Agent.Streaming;

/// <summary>Buttons in the order of the W3C <c>MouseEvent.buttons</c> bits (1, 2, 4, 8, 16).</summary>
internal enum MouseButton
{
    Primary = 0,
    Secondary = 1,
    Middle = 2,
    Back = 3,
    Forward = 4,
}
