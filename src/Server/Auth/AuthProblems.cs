using GuruConnect.Server.Errors;

namespace GuruConnect.Server.Auth;

/// <summary>The 401 and 403 bodies both REST schemes write (no <c>WWW-Authenticate</c> header).</summary>
internal static class AuthProblems
{
    public static Task UnauthorizedAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Unauthorized",
            "Sign in and send the token as `Authorization: Bearer <token>`; it is missing, invalid, expired or logged out.");

    public static Task ForbiddenAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Forbidden",
            "Your role does not allow this action. Ask an admin.");

    private static async Task WriteAsync(HttpContext context, int status, string code, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail, Extensions = { ["code"] = code } },
        });
    }
}
