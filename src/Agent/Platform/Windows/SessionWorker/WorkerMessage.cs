namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// The message types of the service ↔ session-worker pipe (docs/agent.md "Session worker"). Each frame is
/// a little-endian u32 payload length, one type byte, then the payload. The numbers are the wire format
/// between two copies of the same binary: never renumber one.
/// </summary>
internal enum WorkerMessage : byte
{
    /// <summary>worker → service, first: u32 protocol version.</summary>
    Hello = 1,

    /// <summary>service → worker: no payload; answered by <see cref="Displays"/>.</summary>
    GetDisplays = 2,

    /// <summary>worker → service: a protobuf DisplayList.</summary>
    Displays = 3,

    /// <summary>service → worker: u32 display id, u8 1 = send every pixel; answered by <see cref="Frame"/>.</summary>
    Capture = 4,

    /// <summary>worker → service: one captured frame (<see cref="WorkerFrameCodec"/>).</summary>
    Frame = 5,

    /// <summary>service → worker: i32 x, i32 y.</summary>
    MouseMove = 6,

    /// <summary>service → worker: u8 button (W3C order), u8 down.</summary>
    Button = 7,

    /// <summary>service → worker: i32 deltaX, i32 deltaY (1/120 notches).</summary>
    Wheel = 8,

    /// <summary>service → worker: u8 down, u8 code length, code (UTF-8), u8 key length, key (UTF-8).</summary>
    Key = 9,

    /// <summary>service → worker: the text to put on the clipboard (UTF-8).</summary>
    SetClipboard = 10,

    /// <summary>worker → service, unasked: someone in the session copied this text (UTF-8).</summary>
    ClipboardChanged = 11,
}
