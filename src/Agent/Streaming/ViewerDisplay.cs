namespace GuruConnect.Agent.Streaming;

/// <summary>
/// What one viewer still lacks of one display: the tiles that changed since the last frame it was
/// sent, merged over every capture it skipped, plus at most one pending scroll. A viewer that does not
/// ack is never sent a queue of frames; when it acks, one frame of its dirty tiles brings it up to date.
/// </summary>
internal sealed class ViewerDisplay(DisplayStream display)
{
    public DisplayStream Display { get; } = display;

    public TileMap Dirty { get; } = new(display.Width, display.Height);

    /// <summary>A scroll to send first: only set while the viewer was up to date when it happened.</summary>
    public ScrollMove? PendingMove { get; set; }

    public bool KeyframePending { get; set; } = true;

    /// <summary>Tiles this viewer last got as JPEG: re-sent lossless once they stop changing.</summary>
    public TileMap Lossy { get; } = new(display.Width, display.Height);

    /// <summary>Tiles to send lossless in the next frame whatever they show: the refinement of <see cref="Lossy"/>.</summary>
    public TileMap Refine { get; } = new(display.Width, display.Height);

    public bool HasWork => KeyframePending || PendingMove is not null || !Dirty.IsEmpty;

    /// <summary>
    /// The tile row the rest of a frame sent in parts starts at (<see cref="StreamPump.PartBytes"/>); 0 when
    /// no frame is under way. Rows above it that change meanwhile wait for the next frame.
    /// </summary>
    public int NextRow { get; set; }

    /// <summary>Whether a frame sent in parts has rows left to send.</summary>
    public bool Partial => NextRow > 0;

    /// <summary>
    /// Whether the dirty tiles are exactly the latest capture's changes to a canvas that was up to date
    /// before it, so each may be sent trimmed to <see cref="DisplayStream.ChangedBox"/>; false once
    /// captures merge (the sender clears it with the dirty tiles).
    /// </summary>
    public bool Exact { get; set; }

    /// <summary>
    /// Marks for a lossless re-send every lossy tile that has not changed for <paramref name="quietCaptures"/>
    /// captures, so nothing stays blurry once it holds still.
    /// </summary>
    public void RefineQuietTiles(int quietCaptures)
    {
        if (Lossy.IsEmpty)
            return;
        for (var row = 0; row < Lossy.Rows; row++)
        {
            for (var column = 0; column < Lossy.Columns; column++)
            {
                if (!Lossy[column, row] || Display.QuietCaptures(column, row) < quietCaptures)
                    continue;
                Lossy.Unset(column, row);
                Refine.Set(column, row);
                Dirty.Set(column, row);
            }
        }
    }

    /// <summary>Folds the display's latest capture into what this viewer lacks.</summary>
    public void Absorb()
    {
        if (KeyframePending)
            return;
        Exact = Dirty.IsEmpty && PendingMove is null;
        if (Dirty.IsEmpty && PendingMove is null && !Partial && Display.Move is { } move)
        {
            // Up to date before the scroll: the viewer's canvas is the reference the move was found on.
            PendingMove = move;
            if (Lossy.Intersects(new PixelRect(move.SourceX, move.SourceY, move.Width, move.Height)))
                Lossy.SetRect(move.Destination); // blurry pixels moved with it: refine where they went
            Dirty.CopyFrom(Display.Changed);
            return;
        }

        if (PendingMove is { } pending)
        {
            // The viewer never got that move; what it covered is now simply dirty.
            Dirty.SetRect(pending.Destination);
            PendingMove = null;
        }

        Dirty.UnionWith(Display.ChangedWithoutMove);
    }
}
