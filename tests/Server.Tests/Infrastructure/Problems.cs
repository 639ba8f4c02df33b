
namespace GuruConnect.Server.Tests.Infrastructure;

public static class Problems
{
    /// <summary>Asserts an RFC 9457 body with the given status and code, and returns it.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", text);
        var body = JsonSerializer.Deserialize<JsonElement>(text);
        body.GetProperty("code").GetString().ShouldBe(code, text);
        body.GetProperty("status").GetInt32().ShouldBe((int)status);
        body.GetProperty("traceId").GetString().ShouldNotBeNullOrEmpty();
        return body;
    }

    /// <summary>The body without the per-request trace id, for comparing two responses byte for byte.</summary>
    public static async Task<string> BodyWithoutTraceIdAsync(this HttpResponseMessage response)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await response.Content.ReadAsStringAsync())!;
        body.Remove("traceId");
        return JsonSerializer.Serialize(body);
    }
}
