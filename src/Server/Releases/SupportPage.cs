namespace GuruConnect.Server.Releases;

/// <summary>
/// <c>/support</c>: the end user's page (plain HTML, no console login, no script from elsewhere). They
/// type the 6-digit code, the page checks it with <c>/api/codes/{code}/validate</c> and offers
/// <c>/download/support/{code}</c> for their OS with one line on what to do next. Its script is
/// <c>/support.js</c>, a file, because the server-wide Content-Security-Policy
/// (Hosting/SecurityHeaders.cs) allows scripts of this origin only, never inline ones.
/// </summary>
internal static class SupportPage
{
    private static readonly Lazy<byte[]> Html = new(() => Read("Releases/support.html"));
    private static readonly Lazy<byte[]> Script = new(() => Read("Releases/support.js"));

    public static IResult Serve(HttpContext context) => Answer(context, Html.Value, "text/html; charset=utf-8");

    public static IResult ServeScript(HttpContext context) => Answer(context, Script.Value, "text/javascript; charset=utf-8");

    private static IResult Answer(HttpContext context, byte[] body, string contentType)
    {
        // A new build replaces the page in place; the security headers themselves come from Hosting/SecurityHeaders.cs.
        context.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(body, contentType);
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(SupportPage).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
