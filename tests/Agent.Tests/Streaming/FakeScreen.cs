using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Tests.Streaming;

/// <summary>An in-memory screen (the OS seam): BGRX pixels a test paints on, optionally with damage hints.</summary>
internal sealed class FakeScreen : IScreenSource
{
    private readonly List<DisplayInfo> displays = [];
    private readonly Dictionary<uint, byte[]> pixels = [];
    private readonly Dictionary<uint, List<PixelRect>> damage = [];
    private PixelRect[] handedOut = new PixelRect[64];
    private Action? notify;

    public FakeScreen(int width, int height, int displayCount = 1)
    {
        for (var i = 0; i < displayCount; i++)
            AddDisplay((uint)(i + 1), i * width, width, height);
    }

    /// <summary>When true, frames carry the damage the test reported with <see cref="Damage"/>.</summary>
    public bool ReportsDamage { get; set; }

    public int Captures { get; private set; }

    public void AddDisplay(uint id, int x, int width, int height)
    {
        displays.Add(new DisplayInfo { Id = id, Name = $"screen-{id}", X = x, Width = (uint)width, Height = (uint)height, Primary = id == 1, Scale = 1 });
        pixels[id] = new byte[width * height * 4];
        damage[id] = [];
    }

    public byte[] Pixels(uint id = 1) => pixels[id];

    public DisplayInfo Display(uint id = 1)
    {
        foreach (var d in displays)
        {
            if (d.Id == id)
                return d;
        }

        throw new ArgumentOutOfRangeException(nameof(id));
    }

    public void Damage(PixelRect rect, uint id = 1)
    {
        damage[id].Add(rect);
        if (ReportsDamage)
            notify?.Invoke();
    }

    public void Fill(PixelRect rect, uint bgra, uint id = 1)
    {
        var d = Display(id);
        var span = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(pixels[id].AsSpan());
        for (var y = rect.Y; y < rect.Bottom; y++)
            span.Slice((y * (int)d.Width) + rect.X, rect.Width).Fill(bgra);
        Damage(rect, id);
    }

    /// <summary>Deterministic "text": every pixel different enough that nothing is solid and rows are distinct.</summary>
    public void Noise(int seed, uint id = 1)
    {
        var random = new Random(seed);
        random.NextBytes(pixels[id]);
        var d = Display(id);
        Damage(new PixelRect(0, 0, (int)d.Width, (int)d.Height), id);
    }

    public IReadOnlyList<DisplayInfo> GetDisplays() => displays;

    /// <summary>With damage hints on, the screen also says whether it changed since a capture, and tells (as XDamage does).</summary>
    public bool TellsChanges => ReportsDamage;

    public bool ChangedSinceCapture(uint displayId) => !ReportsDamage || damage[displayId].Count > 0;

    public void NotifyChanges(Action changed) => notify = changed;

    public CapturedFrame Capture(uint displayId)
    {
        Captures++;
        var d = Display(displayId);
        // Reused, like a real source's damage buffer, so the allocation test measures only the encoder.
        var pending = damage[displayId];
        if (pending.Count > handedOut.Length)
            handedOut = new PixelRect[pending.Count * 2];
        pending.CopyTo(handedOut);
        var count = pending.Count;
        pending.Clear();
        return new CapturedFrame(pixels[displayId], (int)d.Width, (int)d.Height, (int)d.Width * 4, handedOut.AsSpan(0, count), ReportsDamage);
    }

    public void Dispose()
    {
    }
}
