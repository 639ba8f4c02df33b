using System.Buffers;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Protocol.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public void Samples_cover_every_payload()
    {
        foreach (var payload in Samples.AllCases)
        {
            Samples.For(payload).PayloadCase.ShouldBe(payload);
        }
    }

    [Theory]
    [MemberData(nameof(Samples.AllCasesData), MemberType = typeof(Samples))]
    public void ToBytes_then_TryParse_gives_an_equal_envelope(Envelope.PayloadOneofCase payload)
    {
        var sent = Samples.For(payload);

        Frames.TryParse(Frames.ToBytes(sent), out var received).ShouldBeTrue();

        received.ShouldBe(sent);
        received.PayloadCase.ShouldBe(payload);
    }

    [Theory]
    [MemberData(nameof(Samples.AllCasesData), MemberType = typeof(Samples))]
    public void WriteTo_then_TryParse_of_a_sequence_gives_an_equal_envelope(Envelope.PayloadOneofCase payload)
    {
        var sent = Samples.For(payload);
        var writer = new ArrayBufferWriter<byte>();

        Frames.WriteTo(sent, writer);

        writer.WrittenSpan.ToArray().ShouldBe(Frames.ToBytes(sent));
        Frames.TryParse(Sequences.Segmented(writer.WrittenMemory, segmentSize: 3), out var received).ShouldBeTrue();
        received.ShouldBe(sent);
    }

    [Fact]
    public void A_sample_with_a_field_changed_is_not_equal()
    {
        // Guards the round-trip tests: equality must see every field.
        var changed = Samples.For(Envelope.PayloadOneofCase.AgentStatus);
        changed.AgentStatus.IsAdmin = false;

        changed.ShouldNotBe(Samples.For(Envelope.PayloadOneofCase.AgentStatus));
    }
}
