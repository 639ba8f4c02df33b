using System.Buffers;

namespace GuruConnect.Protocol.Tests;

internal static class Sequences
{
    /// <summary>Splits bytes into a multi-segment sequence, so a parser has to cross segment boundaries.</summary>
    public static ReadOnlySequence<byte> Segmented(ReadOnlyMemory<byte> bytes, int segmentSize)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var chunk = bytes.Slice(offset, Math.Min(segmentSize, bytes.Length - offset));
            last = last is null ? first = new Segment(chunk, 0) : last.Append(chunk);
        }

        return first is null || last is null
            ? ReadOnlySequence<byte>.Empty
            : new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
