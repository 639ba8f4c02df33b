namespace GuruConnect.Agent.Streaming;

/// <summary>
/// A rectangle that moved between two captures: the viewer copies <see cref="Width"/> × <see cref="Height"/>
/// from (<see cref="SourceX"/>, <see cref="SourceY"/>) to (<see cref="X"/>, <see cref="Y"/>) — a COPY_RECT tile.
/// </summary>
internal readonly record struct ScrollMove(int X, int Y, int Width, int Height, int SourceX, int SourceY)
{
    public PixelRect Destination => new(X, Y, Width, Height);

    public int Right => X + Width;

    public int Bottom => Y + Height;
}
