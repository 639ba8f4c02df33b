using Google.Protobuf;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Protocol.Tests;

// The bytes released agents and viewers put on the wire. If one of these fails you renumbered a
// field or changed its type: never do that (proto/guruconnect.proto, "FIELD NUMBER DISCIPLINE").
// Add a new field with a new number instead, and leave these strings alone.
public sealed class GoldenBytesTests
{
    public static TheoryData<string, string> Golden => new()
    {
        { nameof(AgentHello), "12470a0370633112054c696e75781a03362e312205302e312e302a046162313230013a1a0801120648444d492d3118ff1d28800f30b8083801450000c03f4209636c6970626f617264" },
        { nameof(VideoFrame), "3220080210ac0218800f20b8082801321108401080011840204028033204102030ff" },
        { nameof(MouseInput), "0a027631520a080510e807180128ef01" },
        { nameof(KeyInput), "0a0276315a0d0a044b65794112016118012002" },
        { nameof(FrameAck), "0a0276313a0308ac02" },
        { nameof(AgentKeyProvision), "8201070a0563616b5f78" },
    };

    [Theory]
    [MemberData(nameof(Golden))]
    public void Serialized_bytes_never_change(string message, string hex)
    {
        Convert.ToHexStringLower(Frames.ToBytes(Envelope(message))).ShouldBe(hex);
    }

    [Theory]
    [MemberData(nameof(Golden))]
    public void Released_bytes_still_parse_to_the_same_message(string message, string hex)
    {
        Frames.TryParse(Convert.FromHexString(hex), out var parsed).ShouldBeTrue();

        parsed.ShouldBe(Envelope(message));
    }

    private static Envelope Envelope(string message) => message switch
    {
        nameof(AgentHello) => new()
        {
            AgentHello = new()
            {
                Hostname = "pc1",
                OsName = "Linux",
                OsVersion = "6.1",
                AgentVersion = "0.1.0",
                MachineUid = "ab12",
                MachineUidScope = MachineUidScope.Hardware,
                Displays = { new DisplayInfo { Id = 1, Name = "HDMI-1", X = -1920, Y = 0, Width = 1920, Height = 1080, Primary = true, Scale = 1.5f } },
                Capabilities = { "clipboard" },
            },
        },
        nameof(VideoFrame) => new()
        {
            VideoFrame = new()
            {
                DisplayId = 2,
                Seq = 300,
                Width = 1920,
                Height = 1080,
                Keyframe = true,
                Tiles = { new Tile { X = 64, Y = 128, W = 64, H = 64, Encoding = TileEncoding.Solid, Data = ByteString.CopyFrom(0x10, 0x20, 0x30, 0xFF) } },
            },
        },
        nameof(MouseInput) => new() { ViewerId = "v1", MouseInput = new() { X = -3, Y = 500, Buttons = 1, WheelX = 0, WheelY = -120 } },
        nameof(KeyInput) => new() { ViewerId = "v1", KeyInput = new() { Code = "KeyA", Key = "a", Down = true, Modifiers = 2 } },
        nameof(FrameAck) => new() { ViewerId = "v1", FrameAck = new() { Seq = 300 } },
        nameof(AgentKeyProvision) => new() { AgentKeyProvision = new() { Key = "cak_x" } },
        _ => throw new ArgumentOutOfRangeException(nameof(message), message, null),
    };
}
