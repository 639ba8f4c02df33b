using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using Google.Protobuf;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Protocol;

/// <summary>
/// Framing: one protobuf <see cref="Envelope"/> per binary WebSocket message (docs/protocol.md). Parsing
/// never throws on bytes from the network; malformed input is a <see langword="false"/> result.
/// </summary>
public static partial class Frames
{
    // Unknown fields are dropped, so an envelope re-serialized by the relay carries only what this
    // build understood (a newer receiver could otherwise read a smuggled field as the payload).
    private static readonly MessageParser<Envelope> Parser = Envelope.Parser.WithDiscardUnknownFields(true);

    /// <summary>Parses one envelope. Returns <see langword="false"/> for malformed bytes, never throws.</summary>
    /// <remarks>
    /// A well-formed envelope may still carry a payload this build does not know
    /// (<see cref="Envelope.PayloadCase"/> is <see cref="Envelope.PayloadOneofCase.None"/>): ignore it.
    /// Fields this build does not know are discarded, so <see cref="ToBytes"/> of the result
    /// carries only what was understood.
    /// </remarks>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out Envelope? envelope)
    {
        try
        {
            envelope = Parser.ParseFrom(data);
            return true;
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            envelope = null;
            return false;
        }
    }

    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, out Envelope?)"/>
    public static bool TryParse(in ReadOnlySequence<byte> data, [NotNullWhen(true)] out Envelope? envelope)
    {
        try
        {
            envelope = Parser.ParseFrom(data);
            return true;
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            envelope = null;
            return false;
        }
    }

    // Google.Protobuf (3.25.1 and still at 3.34.1) throws IndexOutOfRangeException or
    // ArgumentOutOfRangeException instead of InvalidProtocolBufferException when a nested length
    // near int.MaxValue overflows its limit arithmetic (protocolbuffers/protobuf#26856). The parse
    // is still bounds-checked and cannot succeed in that state, so these mean "malformed" too;
    // FramesFuzzTests finds them within a few thousand mutations.
    private static bool IsMalformedInput(Exception e) =>
        e is InvalidProtocolBufferException or IndexOutOfRangeException or ArgumentOutOfRangeException;

    /// <summary>Serializes an envelope to a new array.</summary>
    public static byte[] ToBytes(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return envelope.ToByteArray();
    }

    /// <summary>Serializes an envelope into <paramref name="writer"/> (e.g. a pooled buffer).</summary>
    public static void WriteTo(Envelope envelope, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(writer);
        envelope.WriteTo(writer);
    }

    /// <summary>
    /// Sends an envelope as one binary WebSocket message, serialized into a pooled buffer.
    /// Like <see cref="WebSocket.SendAsync(ReadOnlyMemory{byte}, WebSocketMessageType, bool, CancellationToken)"/>,
    /// at most one send may be in progress per socket.
    /// </summary>
    public static async ValueTask SendAsync(WebSocket socket, Envelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(envelope);
        var size = envelope.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            envelope.WriteTo(buffer.AsSpan(0, size));
            await socket.SendAsync(buffer.AsMemory(0, size), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
