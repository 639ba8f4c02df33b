namespace GuruConnect.Server.Errors;

/// <summary>
/// <see cref="TextInput"/> for query parameters and the path, before any endpoint runs: a search
/// <c>q</c> or filter with a NUL is a 400 naming the parameter on both engines, never a 500.
/// </summary>
internal static class TextInputGuard
{
    public static IApplicationBuilder UseTextInputGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var field = FirstUnacceptable(context.Request);
        if (field is null)
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [TextInput.Message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Invalid request",
                Detail = "One or more fields are invalid; see errors.",
                Type = ApiProblem.TypeFor(ErrorCodes.InvalidRequest),
                Extensions = { ["code"] = ErrorCodes.InvalidRequest },
            },
        });
    });

    private static string? FirstUnacceptable(HttpRequest request)
    {
        if (!TextInput.IsAcceptable(request.Path.Value))
        {
            return "path";
        }

        foreach (var (name, values) in request.Query)
        {
            if (!TextInput.IsAcceptable(name))
            {
                return "query";
            }

            foreach (var value in values)
            {
                if (!TextInput.IsAcceptable(value))
                {
                    return name;
                }
            }
        }

        return null;
    }
}
