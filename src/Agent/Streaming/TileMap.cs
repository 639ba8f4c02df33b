namespace GuruConnect.Agent.Streaming;

/// <summary>One flag per 64×64 tile of a display: "changed" for a capture, "dirty" for a viewer.</summary>
internal sealed class TileMap
{
    public const int TileSize = 64;

    private readonly bool[] flags;

    public TileMap(int width, int height)
    {
        Width = width;
        Height = height;
        Columns = (width + TileSize - 1) / TileSize;
        Rows = (height + TileSize - 1) / TileSize;
        flags = new bool[Columns * Rows];
    }

    public int Width { get; }

    public int Height { get; }

    public int Columns { get; }

    public int Rows { get; }

    public int Count { get; private set; }

    public bool IsEmpty => Count == 0;

    public bool this[int column, int row] => flags[(row * Columns) + column];

    public void Set(int column, int row)
    {
        ref var flag = ref flags[(row * Columns) + column];
        if (!flag)
        {
            flag = true;
            Count++;
        }
    }

    public void Unset(int column, int row)
    {
        ref var flag = ref flags[(row * Columns) + column];
        if (flag)
        {
            flag = false;
            Count--;
        }
    }

    public void Clear()
    {
        if (Count == 0)
            return;
        Array.Clear(flags);
        Count = 0;
    }

    /// <summary>Clears the tiles of rows <paramref name="from"/> up to (not including) <paramref name="to"/>.</summary>
    public void ClearRows(int from, int to)
    {
        if (from == 0 && to >= Rows)
        {
            Clear();
            return;
        }

        var span = flags.AsSpan(from * Columns, (Math.Min(to, Rows) - from) * Columns);
        Count -= span.Count(true);
        span.Clear();
    }

    public void SetAll()
    {
        Array.Fill(flags, true);
        Count = flags.Length;
    }

    /// <summary>Marks every tile that <paramref name="rect"/> touches.</summary>
    public void SetRect(PixelRect rect)
    {
        var r = rect.ClipTo(Width, Height);
        if (r.IsEmpty)
            return;
        for (var row = r.Y / TileSize; row <= (r.Bottom - 1) / TileSize; row++)
        {
            for (var column = r.X / TileSize; column <= (r.Right - 1) / TileSize; column++)
                Set(column, row);
        }
    }

    /// <summary>Whether any set tile touches <paramref name="rect"/>.</summary>
    public bool Intersects(PixelRect rect)
    {
        var r = rect.ClipTo(Width, Height);
        if (r.IsEmpty || Count == 0)
            return false;
        for (var row = r.Y / TileSize; row <= (r.Bottom - 1) / TileSize; row++)
        {
            for (var column = r.X / TileSize; column <= (r.Right - 1) / TileSize; column++)
            {
                if (flags[(row * Columns) + column])
                    return true;
            }
        }

        return false;
    }

    /// <summary>Clears every tile that lies wholly inside <paramref name="rect"/>.</summary>
    public void UnsetInside(PixelRect rect)
    {
        var r = rect.ClipTo(Width, Height);
        if (r.IsEmpty)
            return;
        for (var row = (r.Y + TileSize - 1) / TileSize; row < Rows; row++)
        {
            for (var column = (r.X + TileSize - 1) / TileSize; column < Columns; column++)
            {
                var tile = TileRect(column, row);
                if (tile.Right > r.Right || tile.Bottom > r.Bottom)
                    continue;
                ref var flag = ref flags[(row * Columns) + column];
                if (flag)
                {
                    flag = false;
                    Count--;
                }
            }
        }
    }

    public void UnionWith(TileMap other)
    {
        if (other.Count == 0)
            return;
        for (var i = 0; i < flags.Length; i++)
        {
            if (other.flags[i] && !flags[i])
            {
                flags[i] = true;
                Count++;
            }
        }
    }

    public void CopyFrom(TileMap other)
    {
        other.flags.CopyTo(flags, 0);
        Count = other.Count;
    }

    /// <summary>The pixel rectangle of one tile (edge tiles are smaller).</summary>
    public PixelRect TileRect(int column, int row)
    {
        var x = column * TileSize;
        var y = row * TileSize;
        return new PixelRect(x, y, Math.Min(TileSize, Width - x), Math.Min(TileSize, Height - y));
    }

    /// <summary>The smallest pixel rectangle covering every set tile, or empty.</summary>
    public PixelRect Bounds()
    {
        if (Count == 0)
            return default;
        int c0 = Columns, c1 = -1, r0 = Rows, r1 = -1;
        for (var row = 0; row < Rows; row++)
        {
            for (var column = 0; column < Columns; column++)
            {
                if (!flags[(row * Columns) + column])
                    continue;
                c0 = Math.Min(c0, column);
                c1 = Math.Max(c1, column);
                r0 = Math.Min(r0, row);
                r1 = Math.Max(r1, row);
            }
        }

        var x = c0 * TileSize;
        var y = r0 * TileSize;
        return new PixelRect(x, y, Math.Min((c1 + 1) * TileSize, Width) - x, Math.Min((r1 + 1) * TileSize, Height) - y);
    }
}
