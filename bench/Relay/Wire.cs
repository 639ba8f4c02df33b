using System.Buffers.Binary;
using Google.Protobuf;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Bench.Relay;

/// <summary>
/// Benchmark messages. A frame is serialized once as a template whose tile data ends the message; the
/// sequence number lives in the first 8 bytes of that data, so sending frame n rewrites 8 bytes instead of
/// re-encoding 256 KiB, and a receiver reads it back without parsing (the relay forwards the bytes as they are).
/// </summary>
internal static class Wire
{
    public static FrameTemplate Frame(int bytes)
    {
        var envelope = new Envelope
        {
            VideoFrame = new VideoFrame
            {
                Width = 1920,
                Height = 1080,
                Tiles = { new Tile { W = 256, H = 256, Encoding = TileEncoding.RawBgra, Data = ByteString.CopyFrom(new byte[bytes]) } },
            },
        };
        return new FrameTemplate(Frames.ToBytes(envelope), bytes);
    }

    /// <summary>The sequence number of a template frame, or 0 for any other message.</summary>
    public static long FrameSeq(ReadOnlySpan<byte> message, int dataBytes) =>
        message.Length > dataBytes && Frames.TryReadHeader(message, out var payload, out _) && payload == Envelope.PayloadOneofCase.VideoFrame
            ? BinaryPrimitives.ReadInt64LittleEndian(message[^dataBytes..])
            : 0;

    public static byte[] Ack(long seq) => Frames.ToBytes(new Envelope { FrameAck = new FrameAck { Seq = (ulong)seq } });

    public static long AckSeq(ReadOnlySpan<byte> message) =>
        Frames.TryParse(message, out var envelope) && envelope.PayloadCase == Envelope.PayloadOneofCase.FrameAck ? (long)envelope.FrameAck.Seq : 0;

    /// <summary>About 1 KiB of keyboard input carrying its sequence number.</summary>
    public static byte[] Input(long seq) => Frames.ToBytes(new Envelope
    {
        KeyInput = new KeyInput { Code = "KeyA", Key = new string('k', 1000), Modifiers = (uint)seq, Down = true },
    });

    public static long InputSeq(ReadOnlySpan<byte> message) =>
        Frames.TryParse(message, out var envelope) && envelope.PayloadCase == Envelope.PayloadOneofCase.KeyInput ? envelope.KeyInput.Modifiers : 0;
}

internal sealed class FrameTemplate(byte[] bytes, int dataBytes)
{
    public int DataBytes { get; } = dataBytes;

    public int Length => bytes.Length;

    public ReadOnlyMemory<byte> WithSeq(long seq)
    {
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(bytes.Length - DataBytes), seq);
        return bytes;
    }
}
