using GuruConnect.Protocol.V1;

namespace GuruConnect.Protocol.Tests;

// Bytes from the network are hostile (docs/security.md §18: fuzz the protobuf decoder). Each test
// fails by throwing: Frames.TryParse and Frames.TryReadHeader must answer false instead.
public sealed class FramesFuzzTests
{
    private const int Iterations = 20_000;

    [Fact]
    public void Random_junk_never_throws()
    {
        var random = new Random(20_260_101);
        var parsed = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var junk = new byte[random.Next(0, 97)];
            random.NextBytes(junk);
            parsed += ParseEveryWay(junk, random) ? 1 : 0;
        }

        // Both outcomes happen, so the loop exercised the decoder and not only its first check.
        parsed.ShouldBeInRange(1, Iterations - 1);
    }

    [Fact]
    public void Mutated_valid_envelopes_never_throw()
    {
        var random = new Random(7);
        var samples = Samples.All.Select(Frames.ToBytes).ToArray();
        var parsed = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var bytes = samples[random.Next(samples.Length)].ToList();
            for (var m = random.Next(1, 5); m > 0; m--)
            {
                Mutate(bytes, random);
            }

            parsed += ParseEveryWay([.. bytes], random) ? 1 : 0;
        }

        parsed.ShouldBeInRange(1, Iterations - 1);
    }

    [Theory]
    [MemberData(nameof(Samples.AllCasesData), MemberType = typeof(Samples))]
    public void Every_truncation_inside_the_payload_is_rejected(Envelope.PayloadOneofCase payload)
    {
        var envelope = Samples.For(payload);
        envelope.ViewerId = string.Empty; // the payload is then the only top-level field
        var bytes = Frames.ToBytes(envelope);

        for (var length = 1; length < bytes.Length; length++)
        {
            var prefix = bytes.AsSpan(0, length);
            Frames.TryParse(prefix, out _).ShouldBeFalse($"prefix of {length} of {bytes.Length} bytes");
            Frames.TryReadHeader(prefix, out _, out _).ShouldBeFalse($"prefix of {length} of {bytes.Length} bytes");
        }
    }

    [Theory]
    // video_frame (field 6) claiming 4 GiB - 1 of payload.
    [InlineData("32ffffffff0f0102")]
    // video_frame claiming 2^63 bytes (a 10-byte length varint).
    [InlineData("32ffffffffffffffff7f01")]
    // An 11-byte varint: malformed.
    [InlineData("32ffffffffffffffffffff01")]
    // video_frame of 6 bytes whose tiles field (6) claims 2 GiB.
    [InlineData("32063280808080080a")]
    // A length near int.MaxValue inside a nested message: Google.Protobuf throws
    // IndexOutOfRangeException here (protocolbuffers/protobuf#26856).
    [InlineData("32ffffffff0732cc")]
    [InlineData("32fcffffff0710")]
    [InlineData("12ffffffff073a")]
    // A tag with field number 0.
    [InlineData("0200")]
    // Wire types 6 and 7 do not exist.
    [InlineData("0e00")]
    [InlineData("0f00")]
    // An unterminated group.
    [InlineData("0b")]
    public void Crafted_malformed_input_is_rejected(string hex)
    {
        var bytes = Convert.FromHexString(hex);

        Frames.TryParse(bytes, out var envelope).ShouldBeFalse();
        envelope.ShouldBeNull();
        Frames.TryParse(Sequences.Segmented(bytes, 1), out _).ShouldBeFalse();
        Frames.TryReadHeader(bytes, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void Deeply_nested_groups_are_rejected_without_overflowing_the_stack()
    {
        // 100 000 nested start-group tags of an unknown field: a recursive decoder without a depth
        // limit would crash the process, which no catch can stop.
        var bytes = Enumerable.Repeat((byte)0xFB, 100_000).Select((b, i) => i % 2 == 0 ? b : (byte)0x01).ToArray();

        Frames.TryParse(bytes, out _).ShouldBeFalse();
        Frames.TryReadHeader(bytes, out _, out _).ShouldBeFalse();
    }

    private static bool ParseEveryWay(byte[] bytes, Random random)
    {
        var fromSpan = Frames.TryParse(bytes, out var envelope);
        var fromSequence = Frames.TryParse(Sequences.Segmented(bytes, random.Next(1, 8)), out var fromSegments);
        var header = Frames.TryReadHeader(bytes, out var payload, out var viewerId);

        fromSequence.ShouldBe(fromSpan);
        if (fromSpan)
        {
            fromSegments.ShouldBe(envelope);
        }

        // Where both read the bytes, the cheap header read agrees with the full parse.
        if (fromSpan && header)
        {
            payload.ShouldBe(envelope!.PayloadCase);
            viewerId.ShouldBe(envelope.ViewerId);
        }

        return fromSpan;
    }

    private static void Mutate(List<byte> bytes, Random random)
    {
        var at = random.Next(bytes.Count + 1);
        switch (random.Next(5))
        {
            case 0 when at < bytes.Count:
                bytes[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when at < bytes.Count:
                bytes[at] = (byte)random.Next(256);
                break;
            case 2:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 3:
                bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 6)).Select(_ => (byte)random.Next(256)));
                break;
            default:
                // A varint that claims a huge length, where a length or a tag was.
                bytes.InsertRange(at, [0xFF, 0xFF, 0xFF, 0xFF, 0x07]);
                break;
        }
    }
}
