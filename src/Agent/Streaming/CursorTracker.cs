using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// Turns the pointer into <c>CursorShape</c> and <c>CursorPosition</c> messages, sampled with the pump
/// rounds (so at the frame rate, and never more often than <see cref="MinInterval"/>): a position is
/// sent when it changed, a shape when it changed or a viewer joined. Shapes are cached by id, so a
/// pointer going back and forth between two shapes is read from the OS once per shape. In steady
/// state nothing is allocated: one position envelope is reused (the loop awaits every send before the
/// next round, and the sender serialises during the send).
/// </summary>
internal sealed class CursorTracker(ICursorSource source, TimeProvider time) : IDisposable
{
    /// <summary>At most 60 samples a second, however often acks wake the loop.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1.0 / 60);

    private const int MaxCachedShapes = 32;

    private readonly Dictionary<uint, CursorShape> shapes = [];
    private readonly List<string> joined = [];
    private readonly Envelope position = new() { CursorPosition = new CursorPosition() };
    private CursorState last;
    private bool sentAny;
    private uint lastShape;
    private long sampledAt = long.MinValue;

    /// <summary>A viewer joined: it gets the current shape and position in the next round.</summary>
    public void Join(string viewerId) => joined.Add(viewerId);

    /// <summary>One sample: appends what changed (and what a new viewer needs) to <paramref name="output"/>.</summary>
    public void Round(List<Envelope> output)
    {
        var now = time.GetTimestamp();
        if (joined.Count == 0 && sampledAt != long.MinValue && time.GetElapsedTime(sampledAt, now) < MinInterval)
            return;
        sampledAt = now;
        var state = source.Poll();

        if (state.ShapeId != 0 && state.ShapeId != lastShape)
        {
            // Tried once per new id: a shape that cannot be sent (too large) is not read again every round.
            lastShape = state.ShapeId;
            if (Shape(state.ShapeId) is { } shape)
                output.Add(new Envelope { CursorShape = shape });
        }
        else if (lastShape != 0 && shapes.TryGetValue(lastShape, out var current))
        {
            foreach (var viewer in joined)
                output.Add(new Envelope { ViewerId = viewer, CursorShape = current });
        }

        if (!sentAny || state.X != last.X || state.Y != last.Y || state.Visible != last.Visible)
        {
            (last, sentAny) = (state, true);
            var p = position.CursorPosition;
            (p.X, p.Y, p.Visible) = (state.X, state.Y, state.Visible);
            output.Add(position);
        }
        else
        {
            foreach (var viewer in joined)
                output.Add(new Envelope { ViewerId = viewer, CursorPosition = new CursorPosition { X = state.X, Y = state.Y, Visible = state.Visible } });
        }

        joined.Clear();
    }

    public void Dispose() => source.Dispose();

    private CursorShape? Shape(uint id)
    {
        if (shapes.TryGetValue(id, out var cached))
            return cached;
        if (source.ReadShape() is not { } shape)
            return null;
        lastShape = shape.Id; // the pointer may have changed again between the poll and the read
        if (shapes.Count >= MaxCachedShapes)
            shapes.Clear(); // an application animating its pointer: start over rather than grow
        shapes[shape.Id] = shape;
        return shape;
    }
}
