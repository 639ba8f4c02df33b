namespace GuruConnect.Agent.Streaming;

/// <summary>
/// One captured display: 8-bit BGRA rows (alpha ignored), <see cref="Stride"/> bytes apart, valid
/// until the next capture from the same source. <see cref="DamageKnown"/> says the source reported
/// what changed since its previous capture (XDamage, DXGI dirty rects): then only tiles touching
/// <see cref="Damage"/> are compared, which is what keeps a typing frame cheap (docs/performance.md).
/// </summary>
internal readonly ref struct CapturedFrame(
    ReadOnlySpan<byte> pixels, int width, int height, int stride, ReadOnlySpan<PixelRect> damage, bool damageKnown)
{
    public ReadOnlySpan<byte> Pixels { get; } = pixels;

    public int Width { get; } = width;

    public int Height { get; } = height;

    public int Stride { get; } = stride;

    public ReadOnlySpan<PixelRect> Damage { get; } = damage;

    public bool DamageKnown { get; } = damageKnown;

    public bool IsEmpty => Width <= 0 || Height <= 0;

    public ReadOnlySpan<byte> Row(int y) => Pixels.Slice(y * Stride, Width * 4);
}
