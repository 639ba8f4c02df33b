using System.Text.Json;
using System.Text.Json.Serialization;
using GuruConnect.Agent.Enrollment;

namespace GuruConnect.Agent.Support;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SupportCodeValidation))]
[JsonSerializable(typeof(ProblemDetailsBody))]
internal sealed partial class SupportJsonContext : JsonSerializerContext;
