namespace GuruConnect.Agent.Streaming;

/// <summary>A rectangle in physical pixels, relative to the display it belongs to.</summary>
internal readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;

    public int Bottom => Y + Height;

    public bool IsEmpty => Width <= 0 || Height <= 0;

    /// <summary>This rectangle cut to a <paramref name="width"/> × <paramref name="height"/> surface.</summary>
    public PixelRect ClipTo(int width, int height)
    {
        var x0 = Math.Max(X, 0);
        var y0 = Math.Max(Y, 0);
        var x1 = Math.Min(Right, width);
        var y1 = Math.Min(Bottom, height);
        return x1 <= x0 || y1 <= y0 ? default : new PixelRect(x0, y0, x1 - x0, y1 - y0);
    }
}
