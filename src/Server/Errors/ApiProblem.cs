using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuruConnect.Server.Errors;

/// <summary>Builds RFC 9457 problem results with the stable <c>code</c> extension.</summary>
internal static class ApiProblem
{
    public const string TypeBase = "https://guruconnect.dev/errors/";

    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Type = TypeFor(code),
            Title = title,
            Detail = detail,
            Extensions = { ["code"] = code },
        });

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            errors,
            detail: detail ?? "One or more fields are invalid; see errors.",
            type: TypeFor(ErrorCodes.InvalidRequest),
            title: "Invalid request",
            extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.InvalidRequest });

    public static ValidationProblem Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string code, string detail) =>
        Create(StatusCodes.Status404NotFound, code, "Not found", detail);

    public static ProblemHttpResult Conflict(string code, string detail) =>
        Create(StatusCodes.Status409Conflict, code, "Conflict", detail);

    public static ProblemHttpResult RateLimited(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Create(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many requests",
            "Too many attempts. Wait for the time given in Retry-After and try again.");
    }

    /// <summary><c>INVALID_CREDENTIALS</c> → <c>https://guruconnect.dev/errors/invalid-credentials</c>.</summary>
    public static string TypeFor(string code)
    {
        var builder = new StringBuilder(TypeBase, TypeBase.Length + code.Length);
        foreach (var c in code)
        {
            builder.Append(c == '_' ? '-' : char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
