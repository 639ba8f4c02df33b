using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GuruConnect.Server.Errors;

/// <summary>
/// Applies <see cref="TextInput"/> to every string a request body carries (fields and list items)
/// while it is read, so no endpoint can forget it; the error handler turns the failure into a 400
/// naming the field. Properties whose name contains "password" read any text.
/// </summary>
internal static class TextInputJson
{
    public static void Apply(JsonSerializerOptions options)
    {
        options.Converters.Add(CheckedString.Instance);
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(ExemptPasswords);
    }

    /// <summary>
    /// The OpenAPI generator cannot see through a custom converter, so with <see cref="CheckedString"/> every string
    /// would be described as "anything" ({}), and generated clients (src/Web) would lose their types. This puts
    /// "string" back, nullable where the property is declared nullable.
    /// </summary>
    public static Task DescribeStringsAsync(Microsoft.OpenApi.OpenApiSchema schema, Microsoft.AspNetCore.OpenApi.OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type == typeof(string) && schema.Type is null)
        {
            var nullable = context.JsonPropertyInfo?.AttributeProvider is System.Reflection.PropertyInfo property
                && new System.Reflection.NullabilityInfoContext().Create(property).ReadState == System.Reflection.NullabilityState.Nullable;
            schema.Type = nullable ? Microsoft.OpenApi.JsonSchemaType.String | Microsoft.OpenApi.JsonSchemaType.Null : Microsoft.OpenApi.JsonSchemaType.String;
        }
        else if (context.JsonTypeInfo.ElementType == typeof(string) && schema.Items is null)
        {
            schema.Items = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String };
        }

        return Task.CompletedTask;
    }

    private static void ExemptPasswords(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.PropertyType == typeof(string) && property.Name.Contains("password", StringComparison.OrdinalIgnoreCase))
            {
                property.CustomConverter = AnyString.Instance;
            }
        }
    }

    /// <summary>Thrown while reading; System.Text.Json fills in <see cref="JsonException.Path"/>.</summary>
    internal sealed class UnacceptableTextException() : JsonException(TextInput.Message);

    private sealed class CheckedString : JsonConverter<string>
    {
        public static readonly CheckedString Instance = new();

        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string? value;
            try
            {
                value = reader.GetString();
            }
            catch (InvalidOperationException)
            {
                // An escaped lone surrogate ("\ud800") cannot become a string; it is the same refusal.
                throw new UnacceptableTextException();
            }

            return value is null || TextInput.IsAcceptable(value) ? value : throw new UnacceptableTextException();
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private sealed class AnyString : JsonConverter<string>
    {
        public static readonly AnyString Instance = new();

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
