using Google.Protobuf;
using GuruConnect.Protocol.V1;
using Case = GuruConnect.Protocol.V1.Envelope.PayloadOneofCase;

namespace GuruConnect.Protocol.Tests;

/// <summary>One envelope per payload, every field set to a non-default value.</summary>
internal static class Samples
{
    public static IEnumerable<Case> AllCases => Enum.GetValues<Case>().Where(c => c != Case.None);

    public static TheoryData<Case> AllCasesData => [.. AllCases];

    public static IEnumerable<Envelope> All => AllCases.Select(For);

    public static Envelope For(Case payload) => payload switch
    {
        Case.AgentHello => new()
        {
            AgentHello = new()
            {
                Hostname = "ws-042",
                OsName = "Ubuntu",
                OsVersion = "24.04",
                AgentVersion = "0.1.0",
                MachineUid = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                MachineUidScope = MachineUidScope.OsScoped,
                Displays = { Display(1), Display(2) },
                Capabilities = { "clipboard", "chat" },
            },
        },
        Case.AgentStatus => new()
        {
            AgentStatus = new()
            {
                OsName = "Windows 11 Pro",
                OsVersion = "10.0.26100",
                CpuModel = "AMD Ryzen 7 7840U",
                CpuCores = 16,
                RamBytes = 32UL << 30,
                Manufacturer = "LENOVO",
                Model = "21K5",
                Serial = "PF4XYZ12",
                PrivateIps = { "192.168.1.20", "fe80::1" },
                Macs = { "aa:bb:cc:dd:ee:ff" },
                LoggedOnUser = "ACME\\jane",
                UserIdleSeconds = 312,
                TimeZone = "America/Phoenix",
                UptimeSeconds = 864_000,
                IsAdmin = true,
            },
        },
        Case.AgentKeyProvision => new() { AgentKeyProvision = new() { Key = "cak_0123456789abcdef" } },
        Case.Ping => new() { Ping = new() { Nonce = ulong.MaxValue } },
        Case.Pong => new() { Pong = new() { Nonce = 42 } },
        Case.ViewerJoined => new() { ViewerJoined = new() { ViewerId = "v-1", Username = "tech" } },
        Case.ViewerLeft => new() { ViewerLeft = new() { ViewerId = "v-1", Username = "tech" } },
        Case.InputControlRequest => new() { ViewerId = "v-2", InputControlRequest = new() { Release = true } },
        Case.InputControlState => new()
        {
            InputControlState = new() { ControllerViewerId = "v-1", YouHaveControl = true, ControllerUsername = "tech" },
        },
        Case.SessionNotice => new()
        {
            SessionNotice = new() { Kind = SessionNoticeKind.ViewerJoined, Text = "tech is viewing" },
        },
        Case.Disconnect => new() { Disconnect = new() { Reason = "superseded" } },
        Case.DisplayList => new() { ViewerId = "v-1", DisplayList = new() { Displays = { Display(1), Display(2) } } },
        Case.SelectDisplay => new() { ViewerId = "v-1", SelectDisplay = new() { Id = 2 } },
        Case.SelectAllDisplays => new() { ViewerId = "v-1", SelectAllDisplays = new() },
        Case.KeyframeRequest => new() { ViewerId = "v-1", KeyframeRequest = new() },
        Case.VideoFrame => new()
        {
            VideoFrame = new()
            {
                DisplayId = 1,
                Seq = 1_000_000,
                Width = 1920,
                Height = 1080,
                Keyframe = true,
                Tiles =
                {
                    new Tile { X = 64, Y = 128, W = 64, H = 64, Encoding = TileEncoding.ZstdBgra, Data = ByteString.CopyFrom(1, 2, 3) },
                    new Tile { X = 0, Y = 0, W = 64, H = 64, Encoding = TileEncoding.Solid, Data = ByteString.CopyFrom(0, 0, 255, 255) },
                },
            },
        },
        Case.FrameAck => new() { ViewerId = "v-1", FrameAck = new() { Seq = 999_999 } },
        Case.CursorShape => new()
        {
            CursorShape = new() { Id = 7, HotX = 1, HotY = 2, W = 1, H = 1, Rgba = ByteString.CopyFrom(255, 255, 255, 128) },
        },
        Case.CursorPosition => new() { CursorPosition = new() { X = -1280, Y = 400, Visible = true } },
        Case.MouseInput => new() { ViewerId = "v-1", MouseInput = new() { X = -5, Y = 700, Buttons = 1 | 4, WheelX = 120, WheelY = -240 } },
        Case.KeyInput => new() { ViewerId = "v-1", KeyInput = new() { Code = "KeyA", Key = "A", Down = true, Modifiers = 1 } },
        Case.ClipboardText => new() { ClipboardText = new() { Text = "naïve 🚀 text" } },
        Case.ChatMessage => new() { ChatMessage = new() { From = "tech", Text = "hello", At = 1_767_225_600_000 } },
        Case.QualityRequest => new() { ViewerId = "v-1", QualityRequest = new() { MaxFps = 15, Quality = 70, PreferLossless = true } },
        _ => throw new ArgumentOutOfRangeException(nameof(payload), payload, "Add a sample for the new message."),
    };

    private static DisplayInfo Display(uint id) => new()
    {
        Id = id,
        Name = $"DISPLAY{id}",
        X = id == 1 ? 0 : -2560,
        Y = id == 1 ? 0 : -200,
        Width = id == 1 ? 1920u : 2560u,
        Height = id == 1 ? 1080u : 1440u,
        Primary = id == 1,
        Scale = id == 1 ? 1.25f : 1f,
    };
}
