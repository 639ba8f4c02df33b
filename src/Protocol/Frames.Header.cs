using System.Text;
using Google.Protobuf;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Protocol;

public static partial class Frames
{
    /// <summary>
    /// Reads only the top level of an envelope — which payload it carries and its
    /// <see cref="Envelope.ViewerId"/> — without parsing the payload, so the relay can route a
    /// large <c>VideoFrame</c> by forwarding the original bytes. Never throws.
    /// </summary>
    /// <remarks>
    /// Strict, so that what the relay classifies is what the receiver acts on: the top level
    /// must hold <c>viewer_id</c> (any number of times; the last wins, as in a full parse) and at
    /// most one payload this build knows. A second payload (a receiver would act on the last
    /// one) or any unknown field (a newer receiver might read it as a payload) is refused.
    /// </remarks>
    /// <returns>
    /// <see langword="false"/> when the top level is malformed or not strict as above.
    /// <see langword="true"/> does not mean the payload itself is well formed: the receiver's
    /// <see cref="TryParse(ReadOnlySpan{byte}, out Envelope?)"/> decides that.
    /// </returns>
    public static bool TryReadHeader(ReadOnlySpan<byte> data, out Envelope.PayloadOneofCase payload, out string viewerId)
    {
        payload = Envelope.PayloadOneofCase.None;
        viewerId = string.Empty;
        var position = 0;
        while (position < data.Length)
        {
            // Every field of Envelope is length-delimited.
            if (!TryReadVarint(data, ref position, out var tag) ||
                (WireFormat.WireType)(tag & 7) != WireFormat.WireType.LengthDelimited ||
                !TryReadVarint(data, ref position, out var length) ||
                length > (ulong)(data.Length - position))
            {
                return false;
            }

            var value = data.Slice(position, (int)length);
            position += (int)length;
            var field = tag >> 3;
            if (field == Envelope.ViewerIdFieldNumber)
            {
                viewerId = Encoding.UTF8.GetString(value);
            }
            else if (payload == Envelope.PayloadOneofCase.None && field is > 0 and <= int.MaxValue &&
                Enum.IsDefined((Envelope.PayloadOneofCase)field))
            {
                // The generated enum's values are the oneof's field numbers.
                payload = (Envelope.PayloadOneofCase)field;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
