namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>
/// XFixesGetCursorImage pixels — one C <c>unsigned long</c> per pixel holding premultiplied ARGB in its
/// low 32 bits — to the protocol's straight-alpha RGBA (docs/protocol.md "Screen and pointer").
/// </summary>
internal static class X11CursorPixels
{
    /// <summary>Converts <paramref name="argb"/> into <paramref name="rgba"/> (4 bytes each); true when any pixel is not fully transparent.</summary>
    public static bool ToStraightRgba(ReadOnlySpan<nuint> argb, Span<byte> rgba)
    {
        if (rgba.Length < argb.Length * 4)
            throw new ArgumentException("The RGBA buffer is smaller than the image.", nameof(rgba));
        var visible = false;
        for (var i = 0; i < argb.Length; i++)
        {
            var v = (uint)argb[i];
            var a = v >> 24;
            var o = rgba.Slice(i * 4, 4);
            if (a == 0)
            {
                o.Clear();
                continue;
            }

            visible = true;
            o[0] = Unpremultiply((v >> 16) & 0xFF, a);
            o[1] = Unpremultiply((v >> 8) & 0xFF, a);
            o[2] = Unpremultiply(v & 0xFF, a);
            o[3] = (byte)a;
        }

        return visible;
    }

    private static byte Unpremultiply(uint channel, uint alpha) =>
        alpha == 255 ? (byte)channel : (byte)Math.Min(255, ((channel * 255) + (alpha / 2)) / alpha);
}
