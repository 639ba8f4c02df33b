namespace GuruConnect.Server.Tests.SupportCodes;

/// <summary>Shortcuts for the support-code routes.</summary>
internal static class SupportCodeClient
{
    public static async Task<string> CreateCodeAsync(this HttpClient user, string? note = null)
    {
        using var response = await user.PostAsJsonAsync("/api/codes", new { note });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    public static Task<HttpResponseMessage> ValidateAsync(this HttpClient client, string code, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/codes/{code}/validate");
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return client.SendAsync(request);
    }

    public static async Task<string[]> LiveCodesAsync(this HttpClient user) =>
        (await user.GetFromJsonAsync<JsonElement[]>("/api/codes"))!.Select(c => c.GetProperty("code").GetString()!).ToArray();

    /// <summary>A 6-digit code that is not <paramref name="live"/> (so a guess is surely wrong).</summary>
    public static string WrongCode(string live) => live == "000000" ? "000001" : "000000";
}
