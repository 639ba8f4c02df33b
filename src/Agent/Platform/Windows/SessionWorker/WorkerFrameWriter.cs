using System.Buffers.Binary;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// Writes worker pipe frames; one writer per pipe end, safe from several threads (input, clipboard and
/// the capture loop write to the same pipe), each frame whole.
/// </summary>
internal sealed class WorkerFrameWriter(Stream stream)
{
    private readonly Lock gate = new();
    private readonly byte[] header = new byte[WorkerFrameReader.HeaderSize];

    public void Write(WorkerMessage type, ReadOnlySpan<byte> payload)
    {
        lock (gate)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
            header[4] = (byte)type;
            stream.Write(header);
            if (!payload.IsEmpty)
                stream.Write(payload);
            stream.Flush();
        }
    }
}
