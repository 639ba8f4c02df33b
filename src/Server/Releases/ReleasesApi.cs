using GuruConnect.Server.Errors;
using GuruConnect.Server.Installers;
using GuruConnect.Server.Network;
using GuruConnect.Server.SupportCodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace GuruConnect.Server.Releases;

/// <summary>
/// Downloads and versions (docs/installers.md): the agent is handed out exactly as built and signed —
/// a support download only renames it — with its SHA-256 in <c>X-Content-SHA256</c>, Range and
/// If-None-Match honoured. <c>/api/version</c> is what the agent's updater asks.
/// </summary>
internal static class ReleasesApi
{
    public const string Sha256Header = "X-Content-SHA256";

    public static IEndpointRouteBuilder MapReleasesApi(this IEndpointRouteBuilder app)
    {
        var downloads = app.MapGroup("/download").WithTags("Downloads").AllowAnonymous();
        downloads.MapMethods("/agent/{platform}", [HttpMethods.Get, HttpMethods.Head], AgentAsync);
        downloads.MapMethods("/support/{code}", [HttpMethods.Get, HttpMethods.Head], SupportAsync);

        app.MapGet("/api/version", VersionAsync).WithTags("Releases").AllowAnonymous();
        app.MapGet("/api/releases", ListAsync).WithTags("Releases").RequireAuthorization();
        app.MapGet("/api/changelog", (Changelog changelog) => TypedResults.Ok(changelog.Entries)).WithTags("Releases").AllowAnonymous();
        app.MapGet("/api/changelog/{version}", ChangelogVersion).WithTags("Releases").AllowAnonymous();
        app.MapGet("/support", SupportPage.Serve).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/support.js", SupportPage.ServeScript).ExcludeFromDescription().AllowAnonymous();
        app.MapInstallersApi();
        return app;
    }

    /// <summary>The plain agent for <c>enroll</c> with flags, and for the installers' own downloads.</summary>
    internal static async Task<IResult> AgentAsync(string platform, HttpContext context, ReleaseCatalog catalog, CancellationToken cancellationToken)
    {
        if (AgentPlatform.Parse(platform) is not { } target)
        {
            return UnknownPlatform();
        }

        return await catalog.FindAsync(target, cancellationToken) is { } artifact
            ? Serve(context, artifact, target.FileName)
            : NotPublished(target);
    }

    /// <summary>
    /// The unchanged agent under the name the end user's OS needs; the code is checked (and a wrong one
    /// counted) by the same per-IP guard as <c>/api/codes/{code}/validate</c>, so this is no side door
    /// for guessing. A download does not use the code: the agent does, when it connects.
    /// </summary>
    internal static async Task<IResult> SupportAsync(
        string code, string? platform, HttpContext context, ReleaseCatalog catalog, SupportCodeStore codes, SupportCodeGuard guard,
        CancellationToken cancellationToken)
    {
        var ip = ClientAddress.Of(context);
        var decision = guard.TryCheck(ip);
        if (!decision.Allowed)
        {
            return ApiProblem.RateLimited(context, decision.RetryAfter);
        }

        if (!SupportCodeGuard.IsWellFormed(code) || !await codes.IsLiveAsync(code, cancellationToken))
        {
            guard.Failed(ip);
            return ApiProblem.NotFound(SupportCodeErrorCodes.CodeInvalid,
                "This support code is not valid: it may have expired (codes last 30 minutes), been used already, or been cancelled. Ask your technician for a new one.");
        }

        AgentPlatform? target = platform is null ? AgentPlatform.FromUserAgent(context.Request.Headers.UserAgent) : AgentPlatform.Parse(platform);
        if (target is null)
        {
            return UnknownPlatform();
        }

        return await catalog.FindAsync(target, cancellationToken) is { } artifact
            ? Serve(context, artifact, target.SupportFileName(code))
            : NotPublished(target);
    }

    internal static async Task<Results<Ok<VersionResponse>, ProblemHttpResult>> VersionAsync(
        string? platform, string? channel, HttpContext context, ReleaseCatalog catalog, CancellationToken cancellationToken)
    {
        var target = platform is null ? AgentPlatform.FromUserAgent(context.Request.Headers.UserAgent) : AgentPlatform.Parse(platform);
        if (target is null)
        {
            return UnknownPlatform();
        }

        var wanted = channel?.Trim().ToLowerInvariant() ?? "stable";
        if (wanted is not ("stable" or "beta"))
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "Invalid request", "channel is stable or beta.");
        }

        // A beta subscriber takes whatever is current; a stable one never gets a beta build.
        if (await catalog.FindAsync(target, cancellationToken) is not { } artifact || (wanted == "stable" && artifact.Channel != "stable"))
        {
            return NotPublished(target);
        }

        return TypedResults.Ok(new VersionResponse(artifact.Version, artifact.Channel, target.Id, DownloadUrl(context, target), artifact.Sha256, artifact.Signature));
    }

    internal static async Task<Ok<List<ReleaseResponse>>> ListAsync(HttpContext context, ReleaseCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok((await catalog.ListAsync(cancellationToken))
            .Select(a => new ReleaseResponse(a.Version, a.Channel, a.Platform.Id, a.Sha256, a.Length, a.CodeSigned, a.Signature is not null,
                a.LastModified, DownloadUrl(context, a.Platform)))
            .ToList());

    internal static Results<Ok<ChangelogEntry>, ProblemHttpResult> ChangelogVersion(string version, Changelog changelog) =>
        changelog.Find(version) is { } entry
            ? TypedResults.Ok(entry)
            : ApiProblem.NotFound("VERSION_NOT_FOUND", $"CHANGELOG.md has no section for version '{version}'. GET /api/changelog lists them.");

    /// <summary>The file as it is on disk, with its hash; ranges and conditional requests are answered by the file result.</summary>
    internal static IResult Serve(HttpContext context, AgentArtifact artifact, string downloadName)
    {
        context.Response.Headers[Sha256Header] = artifact.Sha256;
        context.Response.Headers.CacheControl = "no-cache"; // revalidate: a new build replaces the file in place
        return Results.File(artifact.Path, "application/octet-stream", downloadName, artifact.LastModified,
            new EntityTagHeaderValue(artifact.ETag), enableRangeProcessing: true);
    }

    internal static string DownloadUrl(HttpContext context, AgentPlatform platform) =>
        $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/download/agent/{platform.Id}";

    private static ProblemHttpResult UnknownPlatform() => ApiProblem.NotFound("UNKNOWN_PLATFORM",
        "Unknown platform: use win-x64 (or windows-x64) or linux-x64.");

    internal static ProblemHttpResult NotPublished(AgentPlatform platform) => ApiProblem.NotFound("AGENT_NOT_PUBLISHED",
        $"This server has no {platform.Id} agent build. Run scripts/package.sh (or scripts/run.sh in development) and put the builds in the downloads folder (Releases:Directory).");
}
