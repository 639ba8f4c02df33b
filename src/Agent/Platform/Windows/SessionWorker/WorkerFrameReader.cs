using System.Buffers;
using System.Buffers.Binary;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// Reads the worker pipe's length-prefixed frames (u32 payload length, u8 type, payload) into one
/// pooled buffer that grows to the largest frame seen. A length over the cap is refused before anything
/// is allocated, an unknown type or a frame cut short is a <see cref="WorkerProtocolException"/>: the
/// caller closes the pipe. The payload is valid until the next read.
/// </summary>
internal sealed class WorkerFrameReader(Stream stream, int maxPayload) : IDisposable
{
    public const int HeaderSize = 5;

    private readonly byte[] header = new byte[HeaderSize];
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int length;

    public WorkerMessage Type { get; private set; }

    public ReadOnlySpan<byte> Payload => buffer.AsSpan(0, length);

    /// <summary>The next frame; false when the other end closed the pipe between frames.</summary>
    public bool Read()
    {
        if (!Fill(header, 0))
            return false;
        Accept();
        if (length > 0 && !Fill(buffer, length))
            throw new WorkerProtocolException("The pipe closed in the middle of a frame.");
        return true;
    }

    /// <inheritdoc cref="Read"/>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        var read = await stream.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
            return false;
        if (read < HeaderSize)
            throw new WorkerProtocolException("The pipe closed in the middle of a frame header.");
        Accept();
        if (length > 0 && await stream.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken) < length)
            throw new WorkerProtocolException("The pipe closed in the middle of a frame.");
        return true;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }

    // Reads exactly count bytes (the header when count is 0); false on end of stream before the first byte.
    private bool Fill(byte[] target, int count)
    {
        var wanted = count == 0 ? HeaderSize : count;
        var read = stream.ReadAtLeast(target.AsSpan(0, wanted), wanted, throwOnEndOfStream: false);
        if (read == 0)
            return false;
        if (read < wanted)
            throw new WorkerProtocolException("The pipe closed in the middle of a frame.");
        return true;
    }

    private void Accept()
    {
        var announced = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var type = header[4];
        if (announced > (uint)maxPayload)
            throw new WorkerProtocolException($"A frame of {announced} bytes is over the pipe's limit of {maxPayload}.");
        if (type is < (byte)WorkerMessage.Hello or > (byte)WorkerMessage.ClipboardChanged)
            throw new WorkerProtocolException($"Unknown pipe message type {type}.");
        Type = (WorkerMessage)type;
        length = (int)announced;
        if (buffer.Length < length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(length);
        }
    }
}
