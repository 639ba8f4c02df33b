using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// The OS seam for the mouse pointer (X11: XFixes and XQueryPointer). Polled by the session loop
/// (<see cref="CursorTracker"/>), one thread at a time. Implementations: Platform/Linux/X11.
/// </summary>
internal interface ICursorSource : IDisposable
{
    /// <summary>The pointer now; cheap enough for every pump round, and allocation-free.</summary>
    CursorState Poll();

    /// <summary>
    /// The shape the pointer shows now as straight-alpha RGBA, its <c>id</c> the one
    /// <see cref="Poll"/> reports for it; null when it cannot be read or is too large to send.
    /// </summary>
    CursorShape? ReadShape();
}

/// <summary>
/// Where the pointer is in virtual-desktop pixels (docs/protocol.md "Screen and pointer"), whether it
/// is shown, and the id of its shape (0: unknown).
/// </summary>
internal readonly record struct CursorState(int X, int Y, bool Visible, uint ShapeId);
