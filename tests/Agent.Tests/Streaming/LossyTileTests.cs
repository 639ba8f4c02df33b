using System.Runtime.InteropServices;
using GuruConnect.Agent.Platform.Linux;
using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Tests.Streaming;

/// <summary>
/// The lossy path: which tiles may become JPEG, that only viewers allowing lossy get them, and that
/// they are re-sent lossless once they hold still. The JPEG codec is the OS seam (a recording stand-in
/// here; libturbojpeg itself in the last test).
/// </summary>
public sealed partial class LossyTileTests : IDisposable
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(34);
    private readonly StepClock clock = new();
    private readonly FakeScreen screen = new(256, 128);
    private readonly RecordingJpeg jpeg = new();
    private readonly StreamPump pump;
    private readonly Dictionary<string, ViewerCanvas> canvases = [];

    public LossyTileTests()
    {
        Terminal(screen.Pixels(), 256, new PixelRect(0, 0, 256, 128), seed: 1);
        Photo(screen.Pixels(), 256, new PixelRect(128, 0, 128, 128), seed: 2);
        pump = new StreamPump(screen, clock, jpeg);
    }

    public void Dispose() => pump.Dispose();

    [Fact]
    public void Classifier_KeepsTerminalAndMixedTilesLossless_AndLetsPhotosGoLossy()
    {
        var pixels = new byte[64 * 3 * 64 * 4];
        const int Stride = 64 * 3 * 4;
        Terminal(pixels, 64 * 3, new PixelRect(0, 0, 64, 64), seed: 3);
        Photo(pixels, 64 * 3, new PixelRect(64, 0, 64, 64), seed: 4);
        Terminal(pixels, 64 * 3, new PixelRect(128, 0, 64, 64), seed: 5);
        Photo(pixels, 64 * 3, new PixelRect(160, 0, 32, 64), seed: 6); // mixed: half text, half picture

        var terminal = new PixelRect(0, 0, 64, 64);
        var photo = new PixelRect(64, 0, 64, 64);
        var mixed = new PixelRect(128, 0, 64, 64);
        TileClassifier.EqualLeftShare(pixels, Stride, terminal).ShouldBeGreaterThan(0.7);
        TileClassifier.EqualLeftShare(pixels, Stride, photo).ShouldBeLessThan(0.1);

        TileClassifier.MayGoLossy(pixels, Stride, terminal, changeHistory: 0).ShouldBeFalse();
        TileClassifier.MayGoLossy(pixels, Stride, photo, changeHistory: 0).ShouldBeTrue();
        TileClassifier.MayGoLossy(pixels, Stride, mixed, changeHistory: 0).ShouldBeFalse();
        // A mixed tile that changes in most captures is video-like: lossy. A terminal never is.
        TileClassifier.MayGoLossy(pixels, Stride, mixed, changeHistory: 0xFF).ShouldBeTrue();
        TileClassifier.MayGoLossy(pixels, Stride, terminal, changeHistory: 0xFF).ShouldBeFalse();
    }

    [Fact]
    public void AViewerThatPrefersLossless_NeverGetsJpeg()
    {
        pump.Join("crisp"); // prefer_lossless is the default
        pump.SetQuality("crisp", new QualityRequest { PreferLossless = true, Quality = 50 });
        for (var i = 0; i < 5; i++)
        {
            Photo(screen.Pixels(), 256, new PixelRect(128, 0, 128, 128), seed: 10 + i);
            AckAll(Round());
        }

        canvases["crisp"].Frames.ShouldBe(5);
        jpeg.Calls.ShouldBe(0);
        canvases["crisp"].Matches(screen.Pixels()).ShouldBeTrue();
    }

    [Fact]
    public void PhotoTiles_GoJpegAtTheViewersQuality_TextStaysLossless_AndQuietPhotosAreRefined()
    {
        pump.Join("small");
        pump.SetQuality("small", new QualityRequest { PreferLossless = false, Quality = 55 });

        var key = AckAll(Round()).ShouldHaveSingleItem().VideoFrame;

        key.Tiles.Where(t => t.Encoding == TileEncoding.Jpeg).ShouldAllBe(t => t.X >= 128);
        key.Tiles.ShouldContain(t => t.Encoding == TileEncoding.Jpeg);
        key.Tiles.Where(t => t.X < 128).ShouldAllBe(t => t.Encoding != TileEncoding.Jpeg);
        jpeg.Qualities.ShouldAllBe(q => q == 55);
        canvases["small"].Matches(screen.Pixels()).ShouldBeFalse(); // the photo is only approximate

        // The photo holds still: nothing is sent until it has been quiet long enough, then it comes lossless.
        VideoFrame? refined = null;
        for (var i = 0; i < StreamPump.RefineAfterQuietCaptures + 2 && refined is null; i++)
            refined = AckAll(Round()).SingleOrDefault()?.VideoFrame;

        refined.ShouldNotBeNull();
        refined.Tiles.ShouldAllBe(t => t.Encoding != TileEncoding.Jpeg);
        refined.Tiles.ShouldAllBe(t => t.X >= 128);
        canvases["small"].Matches(screen.Pixels()).ShouldBeTrue();
        AckAll(Round()).ShouldBeEmpty(); // and only once
    }

    [Fact]
    public void ARealLibTurboJpeg_EncodesAPhotoTileThatDecodesClose()
    {
        using var encoder = TurboJpegEncoder.TryOpen();
        if (encoder is null)
            Assert.Skip("libturbojpeg.so.0 is not installed (Debian libturbojpeg0; scripts/test.sh installs it)");
        const int Width = 320, Height = 128;
        var pixels = new byte[Width * Height * 4];
        Photo(pixels, Width, new PixelRect(0, 0, Width, Height), seed: 7);
        var rect = new PixelRect(64, 0, 128, 64); // a run of two tiles inside a wider frame: stride matters
        var output = new byte[256 * 1024];

        var length = encoder.Encode(pixels.AsSpan((rect.Y * Width * 4) + (rect.X * 4)), rect.Width, rect.Height, Width * 4, 80, output);

        length.ShouldBeGreaterThan(0);
        length.ShouldBeLessThan(rect.Width * rect.Height * 4 / 3);
        (output[0], output[1], output[length - 2], output[length - 1]).ShouldBe(((byte)0xFF, (byte)0xD8, (byte)0xFF, (byte)0xD9));
        var decoded = Decode(output.AsSpan(0, length).ToArray(), rect.Width, rect.Height);
        double error = 0;
        for (var y = 0; y < rect.Height; y++)
        {
            for (var x = 0; x < rect.Width; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    double d = decoded[(((y * rect.Width) + x) * 4) + c] - pixels[(((y * Width) + rect.X + x) * 4) + c];
                    error += d * d;
                }
            }
        }

        var psnr = 10 * Math.Log10(255.0 * 255.0 / (error / (rect.Width * rect.Height * 3)));
        psnr.ShouldBeGreaterThan(30);
        encoder.Encode(pixels, Width, Height, Width * 4, 80, new byte[100]).ShouldBe(0); // too small a buffer: 0, not a crash
    }

    private static byte[] Decode(byte[] jpegBytes, int width, int height)
    {
        var handle = tjInitDecompress();
        try
        {
            var pixels = new byte[width * height * 4];
            tjDecompress2(handle, jpegBytes, (nuint)jpegBytes.Length, pixels, width, width * 4, height, 3, 0).ShouldBe(0);
            return pixels;
        }
        finally
        {
            _ = tjDestroy(handle);
        }
    }

    [LibraryImport("libturbojpeg.so.0")]
    private static partial IntPtr tjInitDecompress();

    [LibraryImport("libturbojpeg.so.0")]
    private static partial int tjDestroy(IntPtr handle);

    [LibraryImport("libturbojpeg.so.0")]
    private static partial int tjDecompress2(IntPtr handle, byte[] jpeg, nuint size, byte[] destination, int width, int pitch, int height, int pixelFormat, int flags);

    /// <summary>Terminal-like: dark background, light 8×14 glyph strokes on an 9×18 grid.</summary>
    private static void Terminal(byte[] pixels, int width, PixelRect rect, int seed)
    {
        var random = new Random(seed);
        var span = MemoryMarshal.Cast<byte, uint>(pixels.AsSpan());
        for (var y = rect.Y; y < rect.Bottom; y++)
        {
            for (var x = rect.X; x < rect.Right; x++)
                span[(y * width) + x] = 0xFF1E1E1E;
        }

        for (var top = rect.Y + 2; top + 14 <= rect.Bottom; top += 18)
        {
            for (var left = rect.X + 1; left + 8 <= rect.Right; left += 9)
            {
                var bits = random.Next() | 0x0101;
                for (var y = 0; y < 14; y++)
                {
                    for (var x = 0; x < 8; x++)
                    {
                        if (((bits >> ((y * 3) % 31)) & 1) != 0 && ((bits >> x) & 1) != 0) // strokes: runs along rows
                            span[((top + y) * width) + left + x] = 0xFFD4D4D4;
                    }
                }
            }
        }
    }

    /// <summary>Photo-like: smooth colour waves plus sensor noise, so few pixels equal their neighbour.</summary>
    private static void Photo(byte[] pixels, int width, PixelRect rect, int seed)
    {
        var random = new Random(seed);
        var span = MemoryMarshal.Cast<byte, uint>(pixels.AsSpan());
        for (var y = rect.Y; y < rect.Bottom; y++)
        {
            for (var x = rect.X; x < rect.Right; x++)
            {
                var n = random.Next(0, 10);
                var r = (int)(120 + (80 * Math.Sin((x + seed) * 0.05))) + n;
                var g = (int)(120 + (80 * Math.Sin((y + seed) * 0.07))) + n;
                var b = (int)(120 + (60 * Math.Sin((x + y) * 0.03))) + n;
                span[(y * width) + x] = 0xFF000000 | (uint)r << 16 | (uint)g << 8 | (uint)b;
            }
        }
    }

    private List<Envelope> Round()
    {
        clock.Advance(Frame);
        screen.Damage(new PixelRect(0, 0, 256, 128));
        var output = new List<Envelope>();
        pump.Pump(output);
        var delivered = output.Select(e => Envelope.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(e))).ToList();
        foreach (var envelope in delivered)
        {
            if (!canvases.TryGetValue(envelope.ViewerId, out var canvas))
                canvases[envelope.ViewerId] = canvas = new ViewerCanvas();
            canvas.Apply(envelope.VideoFrame);
        }

        return delivered;
    }

    private List<Envelope> AckAll(List<Envelope> frames)
    {
        foreach (var frame in frames)
            pump.Ack(frame.ViewerId, frame.VideoFrame.Seq);
        return frames;
    }

    /// <summary>Stands in for the OS codec: records the calls, writes a few marker bytes.</summary>
    private sealed class RecordingJpeg : IJpegEncoder
    {
        public int Calls { get; private set; }

        public List<int> Qualities { get; } = [];

        public int Encode(ReadOnlySpan<byte> bgra, int width, int height, int stride, int quality, Span<byte> destination)
        {
            Calls++;
            Qualities.Add(quality);
            destination[0] = 0xFF;
            destination[1] = 0xD8;
            return 2;
        }

        public void Dispose()
        {
        }
    }
}
