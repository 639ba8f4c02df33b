using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// The worker's end of the pipe, in the console session: says hello, then serves the service's requests
/// on the calling thread (captures and input on one thread, which is the one a desktop switch applies
/// to) and forwards local clipboard changes. Returns when the service closes the pipe; a malformed
/// request is a <see cref="WorkerProtocolException"/> (the worker then exits).
/// </summary>
internal sealed class WorkerServer(Stream stream, IScreenSource screen, IInputInjector input, IClipboard? clipboard)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly WorkerFrameWriter writer = new(stream);
    private readonly Lock startGate = new();
    private readonly Dictionary<uint, (int Width, int Height)> sentSizes = [];
    private readonly PixelRect[] scratch = new PixelRect[WorkerFrameCodec.MaxRects];
    private byte[] frameBuffer = [];

    public void Run()
    {
        Span<byte> hello = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(hello, WorkerConnection.ProtocolVersion);
        // Subscribed before the hello, so a copy made the moment the service hears it is not lost; the
        // gate keeps such a change from reaching the pipe ahead of the hello.
        lock (startGate)
        {
            if (clipboard is not null)
                clipboard.Changed += OnClipboard;
            writer.Write(WorkerMessage.Hello, hello);
        }

        try
        {
            using var reader = new WorkerFrameReader(stream, WorkerConnection.MaxClipboardBytes);
            while (reader.Read())
                Serve(reader.Type, reader.Payload);
        }
        finally
        {
            if (clipboard is not null)
                clipboard.Changed -= OnClipboard;
        }
    }

    private void Serve(WorkerMessage type, ReadOnlySpan<byte> payload)
    {
        switch (type)
        {
            case WorkerMessage.GetDisplays when payload.IsEmpty:
                var list = new DisplayList();
                list.Displays.AddRange(screen.GetDisplays());
                writer.Write(WorkerMessage.Displays, list.ToByteArray());
                break;
            case WorkerMessage.Capture when payload.Length == 5 && payload[4] <= 1:
                Capture(BinaryPrimitives.ReadUInt32LittleEndian(payload), payload[4] == 1);
                break;
            case WorkerMessage.MouseMove when payload.Length == 8:
                input.MoveTo(BinaryPrimitives.ReadInt32LittleEndian(payload), BinaryPrimitives.ReadInt32LittleEndian(payload[4..]));
                break;
            case WorkerMessage.Button when payload.Length == 2 && payload[0] <= (byte)MouseButton.Forward && payload[1] <= 1:
                input.Button((MouseButton)payload[0], payload[1] == 1);
                break;
            case WorkerMessage.Wheel when payload.Length == 8:
                input.Wheel(BinaryPrimitives.ReadInt32LittleEndian(payload), BinaryPrimitives.ReadInt32LittleEndian(payload[4..]));
                break;
            case WorkerMessage.Key:
                var (code, key, down) = WorkerKey.Decode(payload);
                input.Key(code, key, down);
                break;
            case WorkerMessage.SetClipboard:
                string text;
                try
                {
                    text = StrictUtf8.GetString(payload);
                }
                catch (DecoderFallbackException)
                {
                    throw new WorkerProtocolException("Clipboard text that is not UTF-8.");
                }

                clipboard?.SetText(text);
                break;
            default:
                throw new WorkerProtocolException($"A malformed or unexpected {type} request.");
        }
    }

    private void Capture(uint displayId, bool full)
    {
        var frame = screen.Capture(displayId);
        // A size the service has not seen cannot be patched: send every pixel.
        full |= !sentSizes.TryGetValue(displayId, out var size) || size != (frame.Width, frame.Height);
        var length = WorkerFrameCodec.Encode(displayId, frame, full, scratch, ref frameBuffer);
        sentSizes[displayId] = (frame.Width, frame.Height);
        writer.Write(WorkerMessage.Frame, frameBuffer.AsSpan(0, length));
    }

    private void OnClipboard(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) > WorkerConnection.MaxClipboardBytes)
            return;
        try
        {
            lock (startGate)
                writer.Write(WorkerMessage.ClipboardChanged, Encoding.UTF8.GetBytes(text));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The service went away; Run ends on its next read.
        }
    }
}
