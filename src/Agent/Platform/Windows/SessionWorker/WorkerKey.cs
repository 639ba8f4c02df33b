using System.Text;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>The <see cref="WorkerMessage.Key"/> payload: u8 down, u8 length + W3C code, u8 length + key (UTF-8, at most 64 bytes each).</summary>
internal static class WorkerKey
{
    public const int MaxPart = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The payload length written to <paramref name="destination"/> (≥ 131 bytes), or 0 when a part is too long to be a key.</summary>
    public static int Encode(string code, string key, bool down, Span<byte> destination)
    {
        if (Encoding.UTF8.GetByteCount(code) > MaxPart || Encoding.UTF8.GetByteCount(key) > MaxPart)
            return 0;
        destination[0] = down ? (byte)1 : (byte)0;
        var codeLength = Encoding.UTF8.GetBytes(code, destination[2..]);
        destination[1] = (byte)codeLength;
        var at = 2 + codeLength;
        var keyLength = Encoding.UTF8.GetBytes(key, destination[(at + 1)..]);
        destination[at] = (byte)keyLength;
        return at + 1 + keyLength;
    }

    public static (string Code, string Key, bool Down) Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3 || payload[0] > 1)
            throw new WorkerProtocolException("A malformed key message.");
        var codeLength = payload[1];
        if (codeLength > MaxPart || payload.Length < 3 + codeLength)
            throw new WorkerProtocolException("A malformed key message.");
        var keyLength = payload[2 + codeLength];
        if (keyLength > MaxPart || payload.Length != 3 + codeLength + keyLength)
            throw new WorkerProtocolException("A malformed key message.");
        try
        {
            return (StrictUtf8.GetString(payload.Slice(2, codeLength)), StrictUtf8.GetString(payload.Slice(3 + codeLength, keyLength)), payload[0] == 1);
        }
        catch (DecoderFallbackException)
        {
            throw new WorkerProtocolException("A key message that is not UTF-8.");
        }
    }
}
