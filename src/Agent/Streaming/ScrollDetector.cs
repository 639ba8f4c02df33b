using System.Buffers;
using System.IO.Hashing;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// Finds a vertical scroll between the previous and the current capture inside a band of columns:
/// per-row XxHash3 of both frames, a vote over "which previous row has this row's hash", then the
/// longest run of rows that match at the winning shift. A 38-px scroll then costs one COPY_RECT and
/// the new rows instead of every tile of the band (docs/performance.md). Buffers are pooled.
/// </summary>
internal sealed class ScrollDetector : IDisposable
{
    /// <summary>A shorter band is not worth a COPY_RECT: the tiles would be re-sent anyway.</summary>
    public const int MinimumRows = 16;

    private ulong[] previous = [];
    private ulong[] current = [];
    private ulong[] sortedKeys = [];
    private int[] sortedRows = [];
    private int[] votes = [];

    public ScrollMove? Detect(ReadOnlySpan<byte> previousPixels, int previousStride, CapturedFrame frame, PixelRect band)
    {
        if (band.Height < MinimumRows * 2)
            return null;
        var rows = band.Height;
        Ensure(ref previous, rows);
        Ensure(ref current, rows);
        Ensure(ref sortedKeys, rows);
        Ensure(ref sortedRows, rows);
        Ensure(ref votes, (2 * rows) + 1);

        var bytes = band.Width * 4;
        var offset = band.X * 4;
        for (var r = 0; r < rows; r++)
        {
            var y = band.Y + r;
            previous[r] = XxHash3.HashToUInt64(previousPixels.Slice((y * previousStride) + offset, bytes));
            current[r] = XxHash3.HashToUInt64(frame.Pixels.Slice((y * frame.Stride) + offset, bytes));
        }

        var keys = sortedKeys.AsSpan(0, rows);
        var order = sortedRows.AsSpan(0, rows);
        previous.AsSpan(0, rows).CopyTo(keys);
        for (var r = 0; r < rows; r++)
            order[r] = r;
        keys.Sort(order);

        // Vote with rows whose hash occurs once in the previous frame: blank lines match every shift.
        var tally = votes.AsSpan(0, (2 * rows) + 1);
        tally.Clear();
        for (var r = 0; r < rows; r++)
        {
            var at = keys.BinarySearch(current[r]);
            if (at < 0)
                continue;
            var unique = (at == 0 || keys[at - 1] != current[r]) && (at == rows - 1 || keys[at + 1] != current[r]);
            if (unique && order[at] != r)
                tally[order[at] - r + rows]++;
        }

        var best = 0;
        for (var i = 1; i < tally.Length; i++)
        {
            if (tally[i] > tally[best])
                best = i;
        }

        if (tally[best] < 4)
            return null;
        var shift = best - rows; // current row r shows previous row r + shift

        // The longest run of rows that match at that shift.
        int runStart = 0, runLength = 0, start = -1;
        for (var r = 0; r <= rows; r++)
        {
            var source = r + shift;
            var matches = r < rows && source >= 0 && source < rows && current[r] == previous[source];
            if (matches && start < 0)
                start = r;
            else if (!matches && start >= 0)
            {
                if (r - start > runLength)
                    (runStart, runLength) = (start, r - start);
                start = -1;
            }
        }

        if (runLength < MinimumRows)
            return null;
        return new ScrollMove(band.X, band.Y + runStart, band.Width, runLength, band.X, band.Y + runStart + shift);
    }

    public void Dispose()
    {
        Return(ref previous);
        Return(ref current);
        Return(ref sortedKeys);
        Return(ref sortedRows);
        Return(ref votes);
    }

    private static void Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length >= length)
            return;
        Return(ref buffer);
        buffer = ArrayPool<T>.Shared.Rent(length);
    }

    private static void Return<T>(ref T[] buffer)
    {
        if (buffer.Length > 0)
            ArrayPool<T>.Shared.Return(buffer);
        buffer = [];
    }
}
