using GuruConnect.Agent.Platform.Windows.SessionWorker;
using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Tests.SessionWorker;

/// <summary>The Frame payload both ways without a pipe: damage kept, clipped, or given up for every pixel when it stops paying.</summary>
public sealed class WorkerFrameCodecTests
{
    [Fact]
    public void Damage_is_clipped_and_its_pixels_patch_the_mirror()
    {
        var (pixels, mirror) = (Pattern(32, 16, 1), new WorkerFrameMirror());
        var buffer = Array.Empty<byte>();
        var scratch = new PixelRect[WorkerFrameCodec.MaxRects];
        var length = WorkerFrameCodec.Encode(1, new CapturedFrame(pixels, 32, 16, 128, default, damageKnown: false), full: true, scratch, ref buffer);
        mirror.Apply(buffer.AsSpan(0, length), 1);

        var changed = Pattern(32, 16, 2);
        length = WorkerFrameCodec.Encode(1, new CapturedFrame(changed, 32, 16, 128, [new PixelRect(-4, 10, 8, 20), new PixelRect(40, 0, 4, 4)], damageKnown: true), full: false, scratch, ref buffer);
        mirror.Apply(buffer.AsSpan(0, length), 1);

        var frame = mirror.Frame;
        frame.DamageKnown.ShouldBeTrue();
        frame.Damage.ToArray().ShouldBe([new PixelRect(0, 10, 4, 6)]);
        length.ShouldBe(WorkerFrameCodec.MetaSize + WorkerFrameCodec.RectSize + (4 * 6 * 4));
        for (var y = 0; y < 16; y++)
        {
            var expected = y >= 10 ? changed : pixels;
            frame.Row(y)[..16].SequenceEqual(expected.AsSpan(y * 128, 16)).ShouldBeTrue();
            frame.Row(y)[16..].SequenceEqual(pixels.AsSpan((y * 128) + 16, 112)).ShouldBeTrue();
        }
    }

    [Fact]
    public void More_rectangles_than_the_cap_become_a_whole_frame_without_damage()
    {
        var pixels = Pattern(128, 64, 3);
        var damage = Enumerable.Range(0, WorkerFrameCodec.MaxRects + 1).Select(i => new PixelRect(i % 128, (i / 128) % 64, 1, 1)).ToArray();
        var buffer = Array.Empty<byte>();
        var length = WorkerFrameCodec.Encode(1, new CapturedFrame(pixels, 128, 64, 512, damage, damageKnown: true), full: false, new PixelRect[WorkerFrameCodec.MaxRects], ref buffer);
        var mirror = new WorkerFrameMirror();
        mirror.Apply(buffer.AsSpan(0, length), 1);

        mirror.Frame.DamageKnown.ShouldBeFalse();
        mirror.Frame.Pixels.SequenceEqual(pixels).ShouldBeTrue();
    }

    [Fact]
    public void A_frame_asked_for_whole_reports_its_damage_as_unknown()
    {
        var pixels = Pattern(16, 16, 4);
        var buffer = Array.Empty<byte>();
        var length = WorkerFrameCodec.Encode(7, new CapturedFrame(pixels, 16, 16, 64, [new PixelRect(0, 0, 2, 2)], damageKnown: true), full: true, new PixelRect[8], ref buffer);
        var mirror = new WorkerFrameMirror();
        mirror.Apply(buffer.AsSpan(0, length), 7);

        mirror.Frame.DamageKnown.ShouldBeFalse("a new worker cannot know what the viewers last saw");
        Should.Throw<WorkerProtocolException>(() => mirror.Apply(buffer.AsSpan(0, length), 8));
    }

    private static byte[] Pattern(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 4];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }
}
