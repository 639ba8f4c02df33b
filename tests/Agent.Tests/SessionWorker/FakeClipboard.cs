using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Tests.SessionWorker;

/// <summary>The clipboard OS seam: remembers what was set, and lets a test "copy" text locally.</summary>
internal sealed class FakeClipboard : IClipboard
{
    private readonly Lock gate = new();
    private readonly List<string> set = [];

    public event Action<string>? Changed;

    public IReadOnlyList<string> Set
    {
        get
        {
            lock (gate)
                return [.. set];
        }
    }

    public void SetText(string text)
    {
        lock (gate)
            set.Add(text);
    }

    public void Copy(string text) => Changed?.Invoke(text);

    public void Dispose()
    {
    }
}
