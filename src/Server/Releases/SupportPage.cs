namespace GuruConnect.Server.Releases;

/// <summary>
/// <c>/support</c>: the end user's page (plain HTML, no console login, no script from elsewhere). They
/// type the 6-digit code, the page checks it with <c>/api/codes/{code}/validate</c> and offers
/// <c>/download/support/{code}</c> for their OS with one line on what to do next.
/// </summary>
internal static class SupportPage
{
    private static readonly Lazy<byte[]> Html = new(() =>
    {
        using var stream = typeof(SupportPage).Assembly.GetManifestResourceStream("Releases/support.html")
            ?? throw new InvalidOperationException("support.html is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static IResult Serve(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return Results.Bytes(Html.Value, "text/html; charset=utf-8");
    }
}
