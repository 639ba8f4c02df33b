using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuruConnect.Agent.State;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentState))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
