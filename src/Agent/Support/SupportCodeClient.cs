using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace GuruConnect.Agent.Support;

/// <summary>
/// <c>GET {server}/api/codes/{code}/validate</c>: asked before connecting so a wrong code gets a clear
/// answer without consuming anything. Every answer is a <see cref="SupportCodeCheck"/>.
/// </summary>
internal sealed class SupportCodeClient(HttpClient http, TimeProvider time)
{
    private const int MaxBodyBytes = 64 * 1024;

    public async Task<SupportCodeCheck> CheckAsync(Uri server, string code, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(Endpoint(server, code), cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return new SupportCodeCheck.Unreachable(server.Authority, ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SupportCodeCheck.Unreachable(server.Authority, $"no answer within {http.Timeout.TotalSeconds:F0} s");
        }

        using (response)
        {
            return await MapAsync(server, code, response, cancellationToken);
        }
    }

    /// <summary><c>{server}/api/codes/{code}/validate</c>, also when the server lives under a path prefix.</summary>
    public static Uri Endpoint(Uri server, string code)
    {
        var text = server.AbsoluteUri;
        return new Uri(new Uri(text.EndsWith('/') ? text : text + "/"), $"api/codes/{Uri.EscapeDataString(code)}/validate");
    }

    private async Task<SupportCodeCheck> MapAsync(Uri server, string code, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                // The body is checked: a web server that answers 200 to every path (a SPA fallback) is not a yes.
                return await ReadAsync(response, SupportJsonContext.Default.SupportCodeValidation, cancellationToken) switch
                {
                    { Valid: true } => new SupportCodeCheck.Live(),
                    { Valid: false } => new SupportCodeCheck.NotLive(code),
                    _ => NotGuruConnect(server, status),
                };
            case HttpStatusCode.TooManyRequests:
                return new SupportCodeCheck.RateLimited(response.Headers.RetryAfter switch
                {
                    { Delta: { } delta } => delta,
                    { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
                    _ => null,
                });
            case HttpStatusCode.NotFound:
                // docs/api.md: `code` is what clients branch on; a 404 without it is a missing route (wrong server).
                var problem = await ReadAsync(response, SupportJsonContext.Default.ProblemDetailsBody, cancellationToken);
                return problem?.Code == "CODE_INVALID" ? new SupportCodeCheck.NotLive(code) : NotGuruConnect(server, status);
            case >= HttpStatusCode.InternalServerError:
                return new SupportCodeCheck.Failed(status, $"{server.Authority} answered HTTP {status} (a server error). Try again in a minute; if it persists, tell your technician.");
            default:
                return NotGuruConnect(server, status);
        }
    }

    private static SupportCodeCheck.Failed NotGuruConnect(Uri server, int status) => new(
        status,
        $"{server.Authority} did not answer like a GuruConnect server (HTTP {status} from its support-code check). Check the server address your technician gave you.");

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return bytes.Length is 0 or > MaxBodyBytes ? null : JsonSerializer.Deserialize(bytes, type);
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException)
        {
            return null;
        }
    }
}
