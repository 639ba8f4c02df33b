using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace GuruConnect.Server.Errors;

internal static class ErrorsExtensions
{
    /// <summary>RFC 9457 bodies for every error, each with <c>code</c> and <c>traceId</c>.</summary>
    public static IServiceCollection AddApiErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            var code = problem.Extensions.TryGetValue("code", out var existing) && existing is string s
                ? s
                : ErrorCodes.ForStatus(status);
            problem.Extensions["code"] = code;
            problem.Extensions["traceId"] = TraceIdOf(context.HttpContext);
            if (problem.Type is null or "" || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                problem.Type = ApiProblem.TypeFor(code);
            }

            // Never leak exception details (the developer exception page is never used).
            problem.Extensions.Remove("exception");
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => TextInputJson.Apply(o.SerializerOptions));
        // Malformed JSON and bad route values throw BadHttpRequestException, which we turn into 400 INVALID_REQUEST.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>The id a problem body carries and the error log line repeats (docs/api.md "Errors": traceId appears in both).</summary>
    internal static string TraceIdOf(HttpContext context) => Activity.Current?.Id ?? context.TraceIdentifier;

    private sealed class ApiExceptionHandler(IProblemDetailsService problems, TimeProvider time, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
    {
        // An outage fails every request: one line for the first, then one per window with how many it stood for.
        private static readonly TimeSpan UnavailableLogWindow = TimeSpan.FromSeconds(10);
        private readonly Lock unavailableGate = new();
        private DateTimeOffset unavailableLoggedAt = DateTimeOffset.MinValue;
        private int unavailableSuppressed;

        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            ProblemDetails problem;
            if (exception is BadHttpRequestException bad)
            {
                httpContext.Response.StatusCode = bad.StatusCode;
                var code = ErrorCodes.ForStatus(bad.StatusCode);
                problem = new ProblemDetails
                {
                    Status = bad.StatusCode,
                    Title = bad.StatusCode == 413 ? "Request body too large" : "Invalid request",
                    Detail = bad.StatusCode == 400
                        ? "The request could not be read. Send a JSON body that matches the documented schema."
                        : bad.Message,
                    Extensions = { ["code"] = code },
                };
                if (bad.InnerException is TextInputJson.UnacceptableTextException text)
                {
                    problem.Detail = "One or more fields are invalid; see errors.";
                    problem.Extensions["errors"] = new Dictionary<string, string[]>
                    {
                        [TextInput.FieldFromJsonPath(text.Path)] = [TextInput.Message],
                    };
                }
                else if (bad.StatusCode == 400)
                {
                    problem.Extensions["errors"] = new Dictionary<string, string[]>
                    {
                        ["body"] = [DescribeBodyError(bad)],
                    };
                }
            }
            else if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
            {
                return true;
            }
            else if (GuruConnect.Server.Data.DatabaseFaults.IsUnavailable(exception, out var kind))
            {
                LogUnavailable(httpContext, kind);
                httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                httpContext.Response.Headers.RetryAfter = "5";
                problem = new ProblemDetails
                {
                    Status = 503,
                    Title = "Database unavailable",
                    Detail = "The server cannot reach its database right now. Nothing was changed; retry in a few seconds.",
                    Extensions = { ["code"] = ErrorCodes.ServiceUnavailable },
                };
            }
            else
            {
                // The route template, never the raw path: paths can hold secrets (/api/codes/{code}/…).
                var route = (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                ErrorsLog.Unhandled(logger, httpContext.Request.Method, route, TraceIdOf(httpContext), exception);
                httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
                problem = new ProblemDetails
                {
                    Status = 500,
                    Title = "Internal server error",
                    Detail = "Something went wrong on the server. It has been logged under this traceId; quote it when reporting the problem.",
                    Extensions = { ["code"] = ErrorCodes.InternalError },
                };
            }

            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = problem,
                Exception = exception,
            });
        }

        private void LogUnavailable(HttpContext httpContext, string kind)
        {
            int suppressed;
            lock (unavailableGate)
            {
                var now = time.GetUtcNow();
                if (now - unavailableLoggedAt < UnavailableLogWindow)
                {
                    unavailableSuppressed++;
                    return;
                }

                unavailableLoggedAt = now;
                suppressed = unavailableSuppressed;
                unavailableSuppressed = 0;
            }

            var route = (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            ErrorsLog.DatabaseUnavailable(logger, httpContext.Request.Method, route, TraceIdOf(httpContext), kind, suppressed);
        }

        private static string DescribeBodyError(BadHttpRequestException exception) =>
            exception.InnerException is JsonException json
                ? $"Malformed JSON{(json.Path is { Length: > 0 } path ? $" at {path}" : string.Empty)}{(json.LineNumber is { } line ? $" (line {line + 1})" : string.Empty)}."
                : "The body or a parameter could not be read.";
    }
}
