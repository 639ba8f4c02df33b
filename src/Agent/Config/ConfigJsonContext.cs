using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuruConnect.Agent.Config;

// Lenient on read: admins edit this file by hand (comments, trailing commas, any case).
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(AgentConfig))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
