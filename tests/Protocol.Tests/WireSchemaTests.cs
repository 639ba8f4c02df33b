using Google.Protobuf.Reflection;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Protocol.Tests;

// Every released field and enum value, as protoc compiled proto/guruconnect.proto. The list only
// grows: a field may leave the schema only as `reserved` (number and name), and no line may
// change. New fields and values are appended here in the same change that adds them.
public sealed class WireSchemaTests
{
    private const string Released = """
        Envelope.viewer_id = 1 string
        Envelope.agent_hello = 2 AgentHello (oneof payload)
        Envelope.agent_status = 3 AgentStatus (oneof payload)
        Envelope.ping = 4 Ping (oneof payload)
        Envelope.pong = 5 Pong (oneof payload)
        Envelope.video_frame = 6 VideoFrame (oneof payload)
        Envelope.frame_ack = 7 FrameAck (oneof payload)
        Envelope.cursor_position = 8 CursorPosition (oneof payload)
        Envelope.cursor_shape = 9 CursorShape (oneof payload)
        Envelope.mouse_input = 10 MouseInput (oneof payload)
        Envelope.key_input = 11 KeyInput (oneof payload)
        Envelope.display_list = 12 DisplayList (oneof payload)
        Envelope.select_display = 13 SelectDisplay (oneof payload)
        Envelope.select_all_displays = 14 SelectAllDisplays (oneof payload)
        Envelope.quality_request = 15 QualityRequest (oneof payload)
        Envelope.agent_key_provision = 16 AgentKeyProvision (oneof payload)
        Envelope.viewer_joined = 17 ViewerJoined (oneof payload)
        Envelope.viewer_left = 18 ViewerLeft (oneof payload)
        Envelope.clipboard_text = 19 ClipboardText (oneof payload)
        Envelope.chat_message = 20 ChatMessage (oneof payload)
        Envelope.session_notice = 21 SessionNotice (oneof payload)
        Envelope.disconnect = 22 Disconnect (oneof payload)
        Envelope.input_control_request = 23 InputControlRequest (oneof payload)
        Envelope.input_control_state = 24 InputControlState (oneof payload)
        Envelope.keyframe_request = 25 KeyframeRequest (oneof payload)
        AgentHello.hostname = 1 string
        AgentHello.os_name = 2 string
        AgentHello.os_version = 3 string
        AgentHello.agent_version = 4 string
        AgentHello.machine_uid = 5 string
        AgentHello.machine_uid_scope = 6 MachineUidScope
        AgentHello.displays = 7 repeated DisplayInfo
        AgentHello.capabilities = 8 repeated string
        AgentStatus.os_name = 1 string
        AgentStatus.os_version = 2 string
        AgentStatus.cpu_model = 3 string
        AgentStatus.cpu_cores = 4 uint32
        AgentStatus.ram_bytes = 5 uint64
        AgentStatus.manufacturer = 6 string
        AgentStatus.model = 7 string
        AgentStatus.serial = 8 string
        AgentStatus.private_ips = 9 repeated string
        AgentStatus.macs = 10 repeated string
        AgentStatus.logged_on_user = 11 string
        AgentStatus.user_idle_seconds = 12 uint32
        AgentStatus.time_zone = 13 string
        AgentStatus.uptime_seconds = 14 uint64
        AgentStatus.is_admin = 15 bool
        AgentKeyProvision.key = 1 string
        Ping.nonce = 1 uint64
        Pong.nonce = 1 uint64
        ViewerJoined.viewer_id = 1 string
        ViewerJoined.username = 2 string
        ViewerLeft.viewer_id = 1 string
        ViewerLeft.username = 2 string
        InputControlRequest.release = 1 bool
        InputControlState.controller_viewer_id = 1 string
        InputControlState.you_have_control = 2 bool
        InputControlState.controller_username = 3 string
        SessionNotice.kind = 1 SessionNoticeKind
        SessionNotice.text = 2 string
        Disconnect.reason = 1 string
        DisplayInfo.id = 1 uint32
        DisplayInfo.name = 2 string
        DisplayInfo.x = 3 sint32
        DisplayInfo.y = 4 sint32
        DisplayInfo.width = 5 uint32
        DisplayInfo.height = 6 uint32
        DisplayInfo.primary = 7 bool
        DisplayInfo.scale = 8 float
        DisplayList.displays = 1 repeated DisplayInfo
        SelectDisplay.id = 1 uint32
        VideoFrame.display_id = 1 uint32
        VideoFrame.seq = 2 uint64
        VideoFrame.width = 3 uint32
        VideoFrame.height = 4 uint32
        VideoFrame.keyframe = 5 bool
        VideoFrame.tiles = 6 repeated Tile
        Tile.x = 1 uint32
        Tile.y = 2 uint32
        Tile.w = 3 uint32
        Tile.h = 4 uint32
        Tile.encoding = 5 TileEncoding
        Tile.data = 6 bytes
        Tile.src_x = 7 uint32
        Tile.src_y = 8 uint32
        FrameAck.seq = 1 uint64
        QualityRequest.max_fps = 1 uint32
        QualityRequest.quality = 2 uint32
        QualityRequest.prefer_lossless = 3 bool
        CursorShape.id = 1 uint32
        CursorShape.hot_x = 2 uint32
        CursorShape.hot_y = 3 uint32
        CursorShape.w = 4 uint32
        CursorShape.h = 5 uint32
        CursorShape.rgba = 6 bytes
        CursorPosition.x = 1 sint32
        CursorPosition.y = 2 sint32
        CursorPosition.visible = 3 bool
        MouseInput.x = 1 sint32
        MouseInput.y = 2 sint32
        MouseInput.buttons = 3 uint32
        MouseInput.wheel_x = 4 sint32
        MouseInput.wheel_y = 5 sint32
        KeyInput.code = 1 string
        KeyInput.key = 2 string
        KeyInput.down = 3 bool
        KeyInput.modifiers = 4 uint32
        ClipboardText.text = 1 string
        ChatMessage.from = 1 string
        ChatMessage.text = 2 string
        ChatMessage.at = 3 int64
        MachineUidScope.MACHINE_UID_SCOPE_UNSPECIFIED = 0
        MachineUidScope.MACHINE_UID_SCOPE_HARDWARE = 1
        MachineUidScope.MACHINE_UID_SCOPE_OS_SCOPED = 2
        SessionNoticeKind.SESSION_NOTICE_KIND_UNSPECIFIED = 0
        SessionNoticeKind.SESSION_NOTICE_KIND_INFO = 1
        SessionNoticeKind.SESSION_NOTICE_KIND_VIEWER_JOINED = 2
        SessionNoticeKind.SESSION_NOTICE_KIND_VIEWER_LEFT = 3
        SessionNoticeKind.SESSION_NOTICE_KIND_KEY_REVOKED = 4
        SessionNoticeKind.SESSION_NOTICE_KIND_SESSION_ENDING = 5
        SessionNoticeKind.SESSION_NOTICE_KIND_AGENT_OFFLINE = 6
        SessionNoticeKind.SESSION_NOTICE_KIND_AGENT_ONLINE = 7
        TileEncoding.TILE_ENCODING_UNSPECIFIED = 0
        TileEncoding.TILE_ENCODING_RAW_BGRA = 1
        TileEncoding.TILE_ENCODING_ZSTD_BGRA = 2
        TileEncoding.TILE_ENCODING_SOLID = 3
        TileEncoding.TILE_ENCODING_JPEG = 4
        TileEncoding.TILE_ENCODING_DEFLATE_BGRA = 5
        TileEncoding.TILE_ENCODING_ZSTD_RGBA = 6
        TileEncoding.TILE_ENCODING_COPY_RECT = 7
        """;

    [Fact]
    public void Released_fields_are_unchanged_or_reserved()
    {
        var file = FileDescriptorProto.Parser.ParseFrom(GuruconnectReflection.Descriptor.SerializedData);
        var current = Lines(file).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();

        foreach (var line in Released.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (current.Contains(line))
            {
                continue;
            }

            var (owner, name, number) = Parse(line);
            var replaced = current.FirstOrDefault(c => Parse(c) is var p && p.Owner == owner && p.Number == number);
            if (replaced is not null)
            {
                problems.Add($"changed: '{line}' is now '{replaced}'. Never change a released field: add a new one.");
            }
            else if (!IsReserved(file, owner, name, number))
            {
                problems.Add($"removed without `reserved {number};` and `reserved \"{name}\";` in {owner}: '{line}'");
            }
        }

        problems.ShouldBeEmpty();
    }

    [Fact]
    public void Every_field_is_in_the_released_list()
    {
        var file = FileDescriptorProto.Parser.ParseFrom(GuruconnectReflection.Descriptor.SerializedData);
        var released = Released.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

        var added = Lines(file).Where(line => !released.Contains(line)).ToList();

        added.ShouldBeEmpty("New fields or values: append these lines to WireSchemaTests.Released.");
    }

    private static IEnumerable<string> Lines(FileDescriptorProto file)
    {
        foreach (var message in file.MessageType)
        {
            foreach (var line in Lines(file.Package, null, message))
            {
                yield return line;
            }
        }

        foreach (var e in file.EnumType)
        {
            foreach (var line in Lines(null, e))
            {
                yield return line;
            }
        }
    }

    // Names are relative to the package: "VideoFrame.seq = 2 uint64".
    private static IEnumerable<string> Lines(string package, string? scope, DescriptorProto message)
    {
        var owner = scope is null ? message.Name : $"{scope}.{message.Name}";
        foreach (var field in message.Field)
        {
            var repeated = field.Label == FieldDescriptorProto.Types.Label.Repeated ? "repeated " : "";
            var type = field.HasTypeName ? field.TypeName.Replace($".{package}.", "", StringComparison.Ordinal) : field.Type.ToString().ToLowerInvariant();
            var oneof = field.HasOneofIndex ? $" (oneof {message.OneofDecl[field.OneofIndex].Name})" : "";
            yield return $"{owner}.{field.Name} = {field.Number} {repeated}{type}{oneof}";
        }

        foreach (var line in message.NestedType.SelectMany(nested => Lines(package, owner, nested)).Concat(message.EnumType.SelectMany(e => Lines(owner, e))))
        {
            yield return line;
        }
    }

    private static IEnumerable<string> Lines(string? scope, EnumDescriptorProto e) =>
        e.Value.Select(value => scope is null ? $"{e.Name}.{value.Name} = {value.Number}" : $"{scope}.{e.Name}.{value.Name} = {value.Number}");

    private static (string Owner, string Name, int Number) Parse(string line)
    {
        var equals = line.IndexOf(" = ", StringComparison.Ordinal);
        var path = line[..equals];
        var dot = path.LastIndexOf('.');
        var number = int.Parse(line[(equals + 3)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return (path[..dot], path[(dot + 1)..], number);
    }

    private static bool IsReserved(FileDescriptorProto file, string owner, string name, int number)
    {
        foreach (var message in file.MessageType)
        {
            if (message.Name == owner)
            {
                return message.ReservedName.Contains(name) &&
                    message.ReservedRange.Any(r => r.Start <= number && number < r.End);
            }
        }

        foreach (var e in file.EnumType)
        {
            if (e.Name == owner)
            {
                return e.ReservedName.Contains(name) &&
                    e.ReservedRange.Any(r => r.Start <= number && number <= r.End);
            }
        }

        return false;
    }
}
