using GuruConnect.Protocol.V1;

namespace GuruConnect.Protocol.Tests;

public sealed class FramesTests
{
    [Theory]
    [MemberData(nameof(Samples.AllCasesData), MemberType = typeof(Samples))]
    public void TryReadHeader_agrees_with_a_full_parse(Envelope.PayloadOneofCase payload)
    {
        foreach (var viewerId in new[] { "", "v-7", "viewer 🚀" })
        {
            var envelope = Samples.For(payload);
            envelope.ViewerId = viewerId;

            Frames.TryReadHeader(Frames.ToBytes(envelope), out var header, out var headerViewerId).ShouldBeTrue();

            header.ShouldBe(payload);
            headerViewerId.ShouldBe(viewerId);
        }
    }

    [Fact]
    public void A_viewer_id_appended_after_the_payload_wins()
    {
        // Field order on the wire is free and the last viewer_id wins, so a relay may append the
        // real viewer id to a viewer's bytes, overriding whatever id the viewer claimed.
        var ack = Samples.For(Envelope.PayloadOneofCase.FrameAck);
        ack.ViewerId = "claimed";
        byte[] bytes = [.. Frames.ToBytes(ack), .. Frames.ToBytes(new Envelope { ViewerId = "v-9" })];

        Frames.TryReadHeader(bytes, out var payload, out var viewerId).ShouldBeTrue();
        Frames.TryParse(bytes, out var parsed).ShouldBeTrue();

        (payload, viewerId).ShouldBe((Envelope.PayloadOneofCase.FrameAck, "v-9"));
        (parsed.PayloadCase, parsed.ViewerId).ShouldBe((payload, viewerId));
    }

    [Fact]
    public void A_payload_from_a_newer_peer_parses_as_None_and_is_discarded()
    {
        // Field 4000, length-delimited, 2 bytes: a message this build does not know.
        byte[] bytes = [0x82, 0xFA, 0x01, 0x02, 0x08, 0x01];

        Frames.TryParse(bytes, out var envelope).ShouldBeTrue();

        envelope.PayloadCase.ShouldBe(Envelope.PayloadOneofCase.None);
        Frames.ToBytes(envelope).ShouldBeEmpty();
        Frames.TryReadHeader(bytes, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void Unknown_fields_are_not_relayed_after_a_parse()
    {
        // A viewer hides field 4000 behind an allowed FrameAck. A newer agent could read it as a
        // payload, so neither a parsed-and-reserialized envelope nor the header reader lets it through.
        byte[] bytes = [.. Frames.ToBytes(Samples.For(Envelope.PayloadOneofCase.FrameAck)), 0x82, 0xFA, 0x01, 0x02, 0x08, 0x01];

        Frames.TryParse(bytes, out var envelope).ShouldBeTrue();

        Frames.ToBytes(envelope).ShouldBe(Frames.ToBytes(Samples.For(Envelope.PayloadOneofCase.FrameAck)));
        Frames.TryReadHeader(bytes, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void TryReadHeader_refuses_a_second_payload()
    {
        // A full parse keeps the last payload: a relay that routed on the first would let a viewer
        // smuggle a server-only AgentKeyProvision behind an allowed FrameAck.
        byte[] bytes = [.. Frames.ToBytes(Samples.For(Envelope.PayloadOneofCase.FrameAck)), .. Frames.ToBytes(Samples.For(Envelope.PayloadOneofCase.AgentKeyProvision))];

        Frames.TryParse(bytes, out var envelope).ShouldBeTrue();
        envelope.PayloadCase.ShouldBe(Envelope.PayloadOneofCase.AgentKeyProvision);
        Frames.TryReadHeader(bytes, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void TryReadHeader_refuses_a_payload_number_with_another_wire_type()
    {
        // frame_ack (7) as a varint: a full parse treats it as an unknown field, not a payload.
        byte[] bytes = [0x38, 0x01];

        Frames.TryParse(bytes, out var envelope).ShouldBeTrue();
        envelope.PayloadCase.ShouldBe(Envelope.PayloadOneofCase.None);
        Frames.TryReadHeader(bytes, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void An_empty_message_is_an_envelope_without_payload()
    {
        Frames.TryParse([], out var envelope).ShouldBeTrue();
        Frames.TryReadHeader([], out var payload, out var viewerId).ShouldBeTrue();

        envelope.PayloadCase.ShouldBe(Envelope.PayloadOneofCase.None);
        (payload, viewerId).ShouldBe((Envelope.PayloadOneofCase.None, ""));
    }
}
