namespace GuruConnect.Agent.Streaming;

/// <summary>The OS text clipboard. <see cref="Changed"/> fires (on any thread) when someone else copies text.</summary>
internal interface IClipboard : IDisposable
{
    event Action<string>? Changed;

    void SetText(string text);
}
