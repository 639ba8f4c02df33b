using System.Runtime.Versioning;
using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Windows.Capture;

/// <summary>
/// DXGI Desktop Duplication of one output: the OS says which rectangles changed (dirty rects, and the
/// destinations of move rects) since the previous frame, so only those are copied out of the staging
/// texture and reported as damage — a typing frame is not a full-screen compare (docs/performance.md).
/// Not available on the secure desktop, under some remote-display drivers, or under wine: then
/// <see cref="TryOpen"/> returns null and <see cref="WindowsScreen"/> captures with GDI.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe class DesktopDuplication : IDisposable
{
    private const uint BgraFormat = 87; // DXGI_FORMAT_B8G8R8A8_UNORM
    private const uint StagingUsage = 3;
    private const uint CpuRead = 0x20000;

    private readonly nint context;
    private readonly byte[] pixels;
    private nint duplication;
    private nint staging;
    private Dxgi.Rect[] dirty = new Dxgi.Rect[64];
    private Dxgi.MoveRect[] moves = new Dxgi.MoveRect[16];
    private PixelRect[] damage = new PixelRect[80];
    private bool haveImage;

    private DesktopDuplication(nint context, nint duplication, nint staging, int width, int height)
    {
        this.context = context;
        this.duplication = duplication;
        this.staging = staging;
        Width = width;
        Height = height;
        pixels = new byte[width * height * 4];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>False after the OS took the duplication away (a desktop switch, a mode change): open a new one.</summary>
    public bool Healthy => duplication != 0;

    public static DesktopDuplication? TryOpen(nint device, nint context, nint output1, int width, int height)
    {
        if (Dxgi.DuplicateOutput(output1, device, out var duplication) < 0)
            return null;
        var desc = new Dxgi.Texture2DDesc
        {
            Width = (uint)width,
            Height = (uint)height,
            MipLevels = 1,
            ArraySize = 1,
            Format = BgraFormat,
            SampleCount = 1,
            Usage = StagingUsage,
            CpuAccessFlags = CpuRead,
        };
        if (Dxgi.CreateTexture2D(device, &desc, out var staging) < 0)
        {
            Dxgi.Release(ref duplication);
            return null;
        }

        return new DesktopDuplication(context, duplication, staging, width, height);
    }

    /// <summary>The next frame (nothing damaged when nothing changed); false when duplication failed this time.</summary>
    public bool TryCapture(out CapturedFrame frame)
    {
        frame = default;
        if (duplication == 0)
            return false;
        Dxgi.FrameInfo info;
        var hr = Dxgi.AcquireNextFrame(duplication, 0, &info, out var resource);
        if (hr == Dxgi.WaitTimeout)
        {
            if (!haveImage)
                return false;
            frame = new CapturedFrame(pixels, Width, Height, Width * 4, default, damageKnown: true);
            return true;
        }

        if (hr < 0)
        {
            if (hr == Dxgi.AccessLost)
                Dispose();
            return false;
        }

        var count = 0;
        try
        {
            // Only the pointer moved: the image is unchanged.
            if (info.LastPresentTime != 0 || !haveImage)
            {
                if (Dxgi.QueryInterface(resource, Dxgi.Id3d11Texture2D, out var texture) < 0)
                    return false;
                Dxgi.CopyResource(context, staging, texture);
                Dxgi.Release(ref texture);
                count = haveImage ? ReadDamage() : 0;
                if (count < 0)
                    return false;
            }
        }
        finally
        {
            Dxgi.Release(ref resource);
            _ = Dxgi.ReleaseFrame(duplication);
        }

        var whole = !haveImage;
        if (info.LastPresentTime != 0 || whole)
        {
            Dxgi.Mapped mapped;
            if (Dxgi.Map(context, staging, &mapped) < 0)
                return false;
            try
            {
                var source = new ReadOnlySpan<byte>(mapped.Data, (int)mapped.RowPitch * Height);
                var stride = Width * 4;
                if (whole)
                {
                    for (var y = 0; y < Height; y++)
                        source.Slice(y * (int)mapped.RowPitch, stride).CopyTo(pixels.AsSpan(y * stride));
                }
                else
                {
                    for (var i = 0; i < count; i++)
                    {
                        var r = damage[i];
                        for (var y = r.Y; y < r.Bottom; y++)
                            source.Slice((y * (int)mapped.RowPitch) + (r.X * 4), r.Width * 4).CopyTo(pixels.AsSpan((y * stride) + (r.X * 4)));
                    }
                }
            }
            finally
            {
                Dxgi.Unmap(context, staging);
            }
        }

        haveImage = true;
        frame = new CapturedFrame(pixels, Width, Height, Width * 4, damage.AsSpan(0, count), damageKnown: !whole);
        return true;
    }

    public void Dispose()
    {
        Dxgi.Release(ref duplication);
        Dxgi.Release(ref staging);
    }

    // Dirty rects plus move destinations, clipped to the output; -1 when the OS would not say.
    private int ReadDamage()
    {
        uint required;
        int hr;
        while (true)
        {
            fixed (Dxgi.Rect* buffer = dirty)
                hr = Dxgi.GetFrameDirtyRects(duplication, (uint)(dirty.Length * sizeof(Dxgi.Rect)), buffer, &required);
            if (hr != Dxgi.MoreData)
                break;
            dirty = new Dxgi.Rect[(required / (uint)sizeof(Dxgi.Rect)) + 16];
        }

        if (hr < 0)
            return -1;
        var dirtyCount = (int)(required / (uint)sizeof(Dxgi.Rect));
        while (true)
        {
            fixed (Dxgi.MoveRect* buffer = moves)
                hr = Dxgi.GetFrameMoveRects(duplication, (uint)(moves.Length * sizeof(Dxgi.MoveRect)), buffer, &required);
            if (hr != Dxgi.MoreData)
                break;
            moves = new Dxgi.MoveRect[(required / (uint)sizeof(Dxgi.MoveRect)) + 16];
        }

        if (hr < 0)
            return -1;
        var moveCount = (int)(required / (uint)sizeof(Dxgi.MoveRect));
        if (damage.Length < dirtyCount + moveCount)
            damage = new PixelRect[dirtyCount + moveCount + 16];
        var count = 0;
        for (var i = 0; i < moveCount; i++)
            Add(moves[i].Destination, ref count);
        for (var i = 0; i < dirtyCount; i++)
            Add(dirty[i], ref count);
        return count;
    }

    private void Add(Dxgi.Rect r, ref int count)
    {
        var clipped = new PixelRect(r.Left, r.Top, r.Right - r.Left, r.Bottom - r.Top).ClipTo(Width, Height);
        if (!clipped.IsEmpty)
            damage[count++] = clipped;
    }
}
