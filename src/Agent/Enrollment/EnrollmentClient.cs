using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Enrollment;

/// <summary><c>POST {server}/api/enroll</c> (docs/api.md), every answer mapped to an <see cref="EnrollmentResult"/>.</summary>
internal sealed class EnrollmentClient(HttpClient http, TimeProvider time, ILogger<EnrollmentClient> log)
{
    private const int MaxErrorBodyBytes = 64 * 1024;
    private bool _warnedInsecure;

    public async Task<EnrollmentResult> EnrollAsync(Uri server, EnrollmentRequest request, CancellationToken cancellationToken)
    {
        var endpoint = Endpoint(server);
        if (endpoint.Scheme != Uri.UriSchemeHttps && !_warnedInsecure)
        {
            _warnedInsecure = true;
            EnrollmentLog.InsecureServer(log, server);
        }

        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, EnrollmentJsonContext.Default.EnrollmentRequest));
        content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(endpoint, content, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return Unreachable(server, ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unreachable(server, $"no answer within {http.Timeout.TotalSeconds:F0} s");
        }

        using (response)
        {
            return await MapAsync(server, request.SiteCode, response, cancellationToken);
        }
    }

    /// <summary><c>{server}/api/enroll</c>, also when the server lives under a path prefix.</summary>
    public static Uri Endpoint(Uri server)
    {
        var text = server.AbsoluteUri;
        return new Uri(new Uri(text.EndsWith('/') ? text : text + "/"), "api/enroll");
    }

    private async Task<EnrollmentResult> MapAsync(Uri server, string siteCode, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Accepted)
        {
            EnrollmentLog.Answer(log, status, null, null);
            return await MapSuccessAsync(server, status, response, cancellationToken);
        }

        var problem = await ReadProblemAsync(response, cancellationToken);
        var traceId = problem?.TraceId;
        EnrollmentLog.Answer(log, status, problem?.Code, traceId);
        var detail = problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "no details";

        // docs/api.md: `code` is what clients branch on; the status is the fallback for a body
        // without one (a proxy in the way, an older server).
        return (problem?.Code, response.StatusCode) switch
        {
            ("ENROLL_REJECTED", _) or (null, HttpStatusCode.Unauthorized) => new EnrollmentResult.Rejected(
                $"The server rejected the site code or enrollment key for site {siteCode}. The key may have been rotated: " +
                $"download a fresh installer for this site (console: {ConsolePaths.BuildInstaller}), or run `guruconnect-agent enroll --site-code {siteCode} --enrollment-key cek_…` " +
                $"with the site's current key (the console shows a key once, when it is issued: {ConsolePaths.RotateKey}).{TraceSuffix(traceId)}",
                traceId),
            ("ENROLL_SITE_CONFLICT", _) or (null, HttpStatusCode.Conflict) => new EnrollmentResult.SiteConflict(
                $"This machine is already registered on {server.Host} under a different site, so site {siteCode} cannot claim it. " +
                $"If it really moved, an admin removes it in the console ({ConsolePaths.RemoveMachine}) and then runs " +
                $"`guruconnect-agent enroll` again; otherwise use the installer of the site it belongs to.{TraceSuffix(traceId)}",
                traceId),
            ("RATE_LIMITED", _) or (null, HttpStatusCode.TooManyRequests) => RateLimited(siteCode, response, traceId),
            ("INVALID_REQUEST", _) or (null, HttpStatusCode.BadRequest) => new EnrollmentResult.InvalidRequest(
                $"The server refused the enrollment request as invalid: {detail}{FormatErrors(problem?.Errors)}.{TraceSuffix(traceId)}",
                traceId),
            // A page that is not the enrollment endpoint: a wrong path in "server", or not a GuruConnect server at all.
            (_, HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed) => new EnrollmentResult.Failed(
                status,
                problem?.Code,
                WrongUrl(server, status, response.ReasonPhrase) + TraceSuffix(traceId),
                traceId),
            _ => new EnrollmentResult.Failed(
                status,
                problem?.Code,
                $"The server answered {status}{(problem?.Code is null ? "" : " " + problem.Code)}: {detail}. The agent retries; if it persists, check the server's log.{TraceSuffix(traceId)}",
                traceId),
        };
    }

    private static async Task<EnrollmentResult> MapSuccessAsync(Uri server, int status, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        EnrollmentResponse? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync(EnrollmentJsonContext.Default.EnrollmentResponse, cancellationToken);
        }
        catch (JsonException)
        {
            body = null;
        }

        if (status == (int)HttpStatusCode.Accepted)
        {
            return new EnrollmentResult.Pending(
                body?.MachineId,
                $"The server put this machine on hold (machine {body?.MachineId}): another online machine already uses this hardware identity " +
                $"under a different hostname. An admin must approve it in the console ({ConsolePaths.ApprovePending}); " +
                "`guruconnect-agent run` keeps checking and continues once it is approved.");
        }

        if (body is { MachineId: { } machineId, Key: { } key } && key.StartsWith("cak_", StringComparison.Ordinal))
        {
            return new EnrollmentResult.Enrolled(machineId, key, body.Disposition ?? (status == 201 ? "new" : "reuse"));
        }

        return new EnrollmentResult.Failed(
            status,
            null,
            $"{server} answered {status} without a machine id and key; it may not be a GuruConnect server, or a proxy rewrote the answer.",
            null);
    }

    private EnrollmentResult.RateLimited RateLimited(string siteCode, HttpResponseMessage response, string? traceId)
    {
        TimeSpan? retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };
        var when = retryAfter is { } after ? $"retry after {Math.Ceiling(after.TotalSeconds):F0} s" : "retry in a few minutes";
        return new EnrollmentResult.RateLimited(
            retryAfter,
            $"The server is limiting enrollment attempts for site {siteCode} from this network (too many requests or failures); {when}.{TraceSuffix(traceId)}");
    }

    private static async Task<ProblemDetailsBody?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return bytes.Length is 0 or > MaxErrorBodyBytes
                ? null
                : JsonSerializer.Deserialize(bytes, EnrollmentJsonContext.Default.ProblemDetailsBody);
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>What to check when <c>{server}/api/enroll</c> is not there (404, or 405 from a page that takes no POST).</summary>
    internal static string WrongUrl(Uri server, int status, string? reason)
    {
        var path = server.AbsolutePath.TrimEnd('/');
        var pathHint = path.Length == 0
            ? ""
            : $" This address has the path {path}: drop it (e.g. {server.GetLeftPart(UriPartial.Authority)}) unless the server really is published under it.";
        return $"{Endpoint(server)} answered {status}{(string.IsNullOrEmpty(reason) ? "" : " " + reason)}: there is no GuruConnect enrollment endpoint at this address. " +
            "\"server\" in the agent config (or --server) must be the address the GuruConnect console is opened at, " +
            $"e.g. https://connect.example.com, without /api, /login or another page's path.{pathHint}";
    }

    private static EnrollmentResult.Unreachable Unreachable(Uri server, string reason) => new(
        $"Could not reach {server}: {reason}. Check \"server\" in the agent config and that this machine can reach it (DNS, firewall, proxy).");

    private static string FormatErrors(Dictionary<string, string[]>? errors) =>
        errors is null or { Count: 0 } ? "" : " (" + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")) + ")";

    private static string TraceSuffix(string? traceId) => traceId is null ? "" : $" (trace id {traceId})";
}
