using System.Buffers;
using System.Numerics;

namespace GuruConnect.Protocol.Tests;

/// <summary>An array pool that records what was asked of it, to prove a reader's memory bound and that it returns what it rents.</summary>
/// <param name="roundUpToPowerOfTwo">Hand out larger arrays than asked for, as <see cref="ArrayPool{T}.Shared"/> does.</param>
internal sealed class RecordingArrayPool(bool roundUpToPowerOfTwo = false) : ArrayPool<byte>
{
    private readonly HashSet<byte[]> _outstanding = new(ReferenceEqualityComparer.Instance);

    public int LargestRequest { get; private set; }

    public int LargestArray { get; private set; }

    public int Outstanding => _outstanding.Count;

    public override byte[] Rent(int minimumLength)
    {
        LargestRequest = Math.Max(LargestRequest, minimumLength);
        var array = new byte[roundUpToPowerOfTwo ? (int)BitOperations.RoundUpToPowerOf2((uint)minimumLength) : minimumLength];
        LargestArray = Math.Max(LargestArray, array.Length);
        _outstanding.Add(array);
        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        _outstanding.Remove(array).ShouldBeTrue("returned an array the pool did not rent, or returned it twice");
    }
}
