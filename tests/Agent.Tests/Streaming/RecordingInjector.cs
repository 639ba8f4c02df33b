using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Tests.Streaming;

/// <summary>The input OS seam, recording each primitive as a line ("key ShiftLeft down").</summary>
internal sealed class RecordingInjector : IInputInjector
{
    private readonly Lock gate = new();
    private readonly List<string> events = [];

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (gate)
                return [.. events];
        }
    }

    public bool Disposed { get; private set; }

    public void MoveTo(int x, int y) => Add($"move {x},{y}");

    public void Button(MouseButton button, bool down) => Add($"button {button} {(down ? "down" : "up")}");

    public void Wheel(int deltaX, int deltaY) => Add($"wheel {deltaX},{deltaY}");

    public bool Key(string code, string key, bool down)
    {
        if (code == "Unmappable")
            return false;
        Add($"key {code} {(down ? "down" : "up")}");
        return true;
    }

    public void Clear()
    {
        lock (gate)
            events.Clear();
    }

    public void Dispose() => Disposed = true;

    private void Add(string line)
    {
        lock (gate)
            events.Add(line);
    }
}
