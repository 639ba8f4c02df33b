using Google.Protobuf;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// The platform-neutral heart of a screen session, single-threaded: viewers join, ack, pick displays
/// and quality; <see cref="Pump"/> captures the displays that a ready viewer needs, folds the changes
/// into every viewer's dirty map and builds one frame per ready viewer and display. A viewer is ready
/// when it has fewer than <see cref="MaxInFlight"/> frames unacknowledged and its frame interval has
/// passed; otherwise its changes accumulate and it is skipped (docs/agent.md "Session loop").
/// </summary>
internal sealed class StreamPump(IScreenSource source, TimeProvider time, IJpegEncoder? jpeg = null) : IDisposable
{
    public const int MaxInFlight = 3;

    /// <summary>A tile sent as JPEG is re-sent lossless after this many captures without a change (~0.5 s at 30 fps).</summary>
    public const int RefineAfterQuietCaptures = 15;

    /// <summary>
    /// Raw pixel bytes per part of a large frame (<see cref="TileEncoder.PartEnd"/>). Each part is sent as
    /// soon as it is encoded, so the relay and the viewer work on one while the next is compressed: a
    /// full-screen 1080p change goes in four. Parts follow each other at once, counted in flight but not
    /// held back by it, so a frame is never left half sent; the next frame waits for the acks as usual.
    /// </summary>
    public const long DefaultPartBytes = 2 * 1024 * 1024;

    private readonly Dictionary<string, ViewerStream> viewers = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, DisplayEntry> displays = [];
    private readonly List<ViewerStream> ready = [];
    private readonly List<ViewerStream> continuing = [];
    private readonly List<EncodedTile> tiles = new(512);
    private IReadOnlyList<DisplayInfo> layout = [];
    private long pumpCount;

    public int ViewerCount => viewers.Count;

    /// <summary>See <see cref="DefaultPartBytes"/>.</summary>
    public long PartBytes { get; init; } = DefaultPartBytes;

    public IReadOnlyList<DisplayInfo> Layout => layout;

    public ViewerStream? Viewer(string viewerId) => viewers.GetValueOrDefault(viewerId);

    /// <summary>A viewer joined: it gets the display list now and a keyframe of the primary display next.</summary>
    public Envelope Join(string viewerId)
    {
        layout = source.GetDisplays();
        if (viewers.Remove(viewerId, out var old))
            Release(old);
        var viewer = new ViewerStream(viewerId);
        viewers.Add(viewerId, viewer);
        var primary = layout.FirstOrDefault(d => d.Primary) ?? (layout.Count > 0 ? layout[0] : null);
        if (primary is not null)
            Watch(viewer, [primary]);
        var list = new DisplayList();
        list.Displays.Add(layout);
        return new Envelope { ViewerId = viewerId, DisplayList = list };
    }

    public void Leave(string viewerId)
    {
        if (viewers.Remove(viewerId, out var viewer))
            Release(viewer);
    }

    public void Ack(string viewerId, ulong sequence) => Viewer(viewerId)?.Ack(sequence);

    public void SetQuality(string viewerId, QualityRequest request) => Viewer(viewerId)?.Apply(request);

    /// <summary>Streams one display (or, with null, all) to the viewer, starting with a keyframe.</summary>
    public void Select(string viewerId, uint? displayId)
    {
        if (Viewer(viewerId) is not { } viewer)
            return;
        layout = source.GetDisplays();
        var chosen = displayId is { } id ? layout.Where(d => d.Id == id).ToArray() : [.. layout];
        if (chosen.Length == 0)
            return;
        Release(viewer);
        Watch(viewer, chosen);
    }

    public void RequestKeyframe(string viewerId)
    {
        if (Viewer(viewerId) is not { } viewer)
            return;
        foreach (var view in viewer.Displays)
        {
            view.KeyframePending = true;
            view.PendingMove = null;
        }
    }

    /// <summary>
    /// How long until a viewer may be sent a frame; null when every viewer waits for an ack (or
    /// there are none): an ack wakes the loop then.
    /// </summary>
    public TimeSpan? NextWake()
    {
        var now = time.GetTimestamp();
        TimeSpan? wait = null;
        foreach (var viewer in viewers.Values)
        {
            if (viewer.Continuing)
                return TimeSpan.Zero;
            if (viewer.InFlight >= MaxInFlight)
                continue;
            var due = viewer.NextDue <= now ? TimeSpan.Zero : time.GetElapsedTime(now, viewer.NextDue);
            // A change the source told of (IScreenSource.NotifyChanges woke the loop) goes as soon as the
            // viewer's frame rate allows; without one the source's next notice wakes the loop.
            if (due > TimeSpan.Zero && source.TellsChanges && viewer.EarlyAllowed && AnyChanged(viewer))
            {
                var rateAllows = viewer.LastFrameAt + Ticks(viewer.FrameInterval);
                var early = rateAllows <= now ? TimeSpan.Zero : time.GetElapsedTime(now, rateAllows);
                due = early < due ? early : due;
            }

            wait = wait is { } w && w < due ? w : due;
        }

        return wait;
    }

    /// <summary>
    /// One round: capture what ready viewers need and append their frames to <paramref name="output"/>.
    /// The envelopes (and the tile bytes they point into) are valid until the next call.
    /// </summary>
    public void Pump(List<Envelope> output)
    {
        var now = time.GetTimestamp();
        pumpCount++;
        ready.Clear();
        continuing.Clear();
        foreach (var viewer in viewers.Values)
        {
            if (viewer.Continuing)
                continuing.Add(viewer); // the rest of its frame, from the same capture
            else if (viewer.InFlight < MaxInFlight && viewer.NextDue <= now)
            {
                viewer.EarlyAllowed = true;
                ready.Add(viewer);
            }
            else if (viewer.InFlight < MaxInFlight && Early(viewer, now))
            {
                ready.Add(viewer);
            }
            else
            {
                viewer.Skipped++;
            }
        }

        if (ready.Count == 0 && continuing.Count == 0)
            return;

        foreach (var viewer in ready)
        {
            foreach (var view in viewer.Displays)
                Capture(displays[view.Display.Id]);
        }

        foreach (var viewer in ready)
        {
            var sent = false;
            foreach (var view in viewer.Displays)
            {
                view.RefineQuietTiles(RefineAfterQuietCaptures);
                if (view.HasWork && view.Display.HasReference)
                {
                    output.Add(BuildFrame(viewer, view));
                    sent = true;
                }
            }

            if (sent)
                viewer.LastFrameAt = now;
            else if (viewer.NextDue > now)
                viewer.EarlyAllowed = false; // the source said changed, the capture found nothing
            // An idle screen sends nothing; either way the viewer's next look is one frame interval on.
            viewer.NextDue = now + Ticks(viewer.FrameInterval);
        }

        foreach (var viewer in continuing)
        {
            foreach (var view in viewer.Displays)
            {
                if (view.Partial)
                    output.Add(BuildFrame(viewer, view));
            }
        }
    }

    public void Dispose()
    {
        foreach (var entry in displays.Values)
            entry.Dispose();
        displays.Clear();
        viewers.Clear();
        jpeg?.Dispose();
    }

    /// <summary>
    /// Ahead of its frame interval, a viewer is ready when its frame rate allows a frame now (its last
    /// one was an interval ago or more) and the source says one of its displays changed.
    /// </summary>
    private bool Early(ViewerStream viewer, long now)
    {
        return source.TellsChanges && viewer.EarlyAllowed && now >= viewer.LastFrameAt + Ticks(viewer.FrameInterval) && AnyChanged(viewer);
    }

    private bool AnyChanged(ViewerStream viewer)
    {
        foreach (var view in viewer.Displays)
        {
            if (source.ChangedSinceCapture(view.Display.Id))
                return true;
        }

        return false;
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private void Capture(DisplayEntry entry)
    {
        if (entry.CapturedAt == pumpCount)
            return;
        entry.CapturedAt = pumpCount;
        var frame = source.Capture(entry.Info.Id);
        if (frame.IsEmpty)
            return;
        if (!entry.Stream.SameSize(frame))
        {
            // Resolution changed: a new reference, and every viewer of it starts over with a keyframe.
            entry.Resize(frame.Width, frame.Height);
            foreach (var viewer in viewers.Values)
            {
                for (var i = 0; i < viewer.Displays.Count; i++)
                {
                    if (viewer.Displays[i].Display.Id == entry.Info.Id)
                        viewer.Displays[i] = new ViewerDisplay(entry.Stream);
                }
            }
        }

        if (!entry.Stream.Ingest(frame, detectScroll: true))
            return;
        foreach (var viewer in viewers.Values)
        {
            foreach (var view in viewer.Displays)
            {
                if (view.Display == entry.Stream)
                    view.Absorb();
            }
        }
    }

    private Envelope BuildFrame(ViewerStream viewer, ViewerDisplay view)
    {
        var display = view.Display;
        var keyframe = view.KeyframePending;
        var frame = new VideoFrame
        {
            DisplayId = display.Id,
            Seq = viewer.NextSequence(),
            Width = (uint)display.Width,
            Height = (uint)display.Height,
            Keyframe = keyframe,
        };
        if (keyframe)
        {
            view.Dirty.SetAll();
            view.PendingMove = null;
            view.Exact = false;
            view.NextRow = 0;
        }
        else if (view.PendingMove is { } move)
        {
            frame.Tiles.Add(new Tile
            {
                X = (uint)move.X,
                Y = (uint)move.Y,
                W = (uint)move.Width,
                H = (uint)move.Height,
                Encoding = TileEncoding.CopyRect,
                SrcX = (uint)move.SourceX,
                SrcY = (uint)move.SourceY,
            });
        }

        tiles.Clear();
        var first = view.NextRow;
        var end = displays[display.Id].Encoder.Encode(display, view.Dirty, tiles, viewer.PreferLossless ? 0 : viewer.Quality, view.Lossy, view.Refine, exact: view.Exact && !keyframe, first, PartBytes);
        view.Refine.ClearRows(first, end);
        foreach (var tile in tiles)
        {
            frame.Tiles.Add(new Tile
            {
                X = (uint)tile.X,
                Y = (uint)tile.Y,
                W = (uint)tile.Width,
                H = (uint)tile.Height,
                Encoding = tile.Encoding,
                Data = UnsafeByteOperations.UnsafeWrap(tile.Data),
            });
        }

        view.Dirty.ClearRows(first, end);
        view.NextRow = end < view.Dirty.Rows ? end : 0;
        if (!view.Partial)
            view.Exact = false;
        view.PendingMove = null;
        view.KeyframePending = false;
        return new Envelope { ViewerId = viewer.Id, VideoFrame = frame };
    }

    private void Watch(ViewerStream viewer, IEnumerable<DisplayInfo> chosen)
    {
        foreach (var info in chosen)
        {
            if (!displays.TryGetValue(info.Id, out var entry))
            {
                entry = new DisplayEntry(info, jpeg);
                displays.Add(info.Id, entry);
            }

            viewer.Displays.Add(new ViewerDisplay(entry.Stream));
        }
    }

    /// <summary>Drops the viewer's displays; a display nobody watches any more stops being captured.</summary>
    private void Release(ViewerStream viewer)
    {
        viewer.Displays.Clear();
        foreach (var (id, entry) in displays.ToArray())
        {
            if (!viewers.Values.Any(v => v.Displays.Any(d => d.Display.Id == id)))
            {
                entry.Dispose();
                displays.Remove(id);
            }
        }
    }

    private sealed class DisplayEntry(DisplayInfo info, IJpegEncoder? jpeg) : IDisposable
    {
        public DisplayInfo Info { get; } = info;

        public DisplayStream Stream { get; private set; } = new(info.Id, (int)info.Width, (int)info.Height);

        public TileEncoder Encoder { get; private set; } = new(jpeg);

        public long CapturedAt { get; set; }

        public void Resize(int width, int height)
        {
            Dispose();
            Stream = new DisplayStream(Info.Id, width, height);
            Encoder = new TileEncoder(jpeg);
        }

        public void Dispose()
        {
            Stream.Dispose();
            Encoder.Dispose();
        }
    }
}
