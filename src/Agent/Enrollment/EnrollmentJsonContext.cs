using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuruConnect.Agent.Enrollment;

// Nulls are omitted: labels the installer did not set must not wipe the server's (docs/api.md step 4).
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EnrollmentRequest))]
[JsonSerializable(typeof(EnrollmentResponse))]
[JsonSerializable(typeof(ProblemDetailsBody))]
internal sealed partial class EnrollmentJsonContext : JsonSerializerContext;
