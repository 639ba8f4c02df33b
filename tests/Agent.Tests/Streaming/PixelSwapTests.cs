using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Tests.Streaming;

public sealed class PixelSwapTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(64)]
    [InlineData(1000)]
    public void BgraToRgba_SwapsRedAndBlue_AndMakesEveryPixelOpaque(int pixelCount)
    {
        var source = new byte[pixelCount * 4];
        new Random(pixelCount).NextBytes(source);
        var destination = new byte[source.Length];

        PixelSwap.BgraToRgba(source, destination);

        for (var i = 0; i < source.Length; i += 4)
        {
            destination.AsSpan(i, 4).ToArray().ShouldBe([source[i + 2], source[i + 1], source[i], 255], $"pixel {i / 4}");
        }
    }
}
