using System.Security.Claims;
using System.Text.RegularExpressions;
using GuruConnect.Protocol;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Enrollment;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Network;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuruConnect.Server.Sites;

internal static partial class SitesApi
{
    public static IEndpointRouteBuilder MapSitesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sites").WithTags("Sites").RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        var admin = group.MapGroup("/").RequireAuthorization(AuthPolicies.Admin);
        admin.MapPost("/", CreateAsync);
        admin.MapPost("/{id:guid}/enrollment-key/rotate", RotateKeyAsync);
        admin.MapGet("/{id:guid}/enrollment-key", GetKeyAsync);
        return app;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")]
    internal static partial Regex SiteCodePattern();

    internal static async Task<Ok<List<SiteResponse>>> ListAsync(SiteStore sites, CancellationToken cancellationToken) =>
        TypedResults.Ok((await sites.ListAsync(null, cancellationToken)).Select(s => s.ToResponse()).ToList());

    internal static async Task<Results<Ok<SiteResponse>, ProblemHttpResult>> GetAsync(Guid id, SiteStore sites, CancellationToken cancellationToken) =>
        (await sites.ListAsync(id, cancellationToken)) is [var site]
            ? TypedResults.Ok(site.ToResponse())
            : SiteNotFound();

    internal static async Task<Results<Created<SiteResponse>, ProblemHttpResult, ValidationProblem>> CreateAsync(
        CreateSiteRequest request, ClaimsPrincipal principal, HttpContext context, SiteStore sites, AuditLog audit, CancellationToken cancellationToken)
    {
        var code = request.SiteCode?.Trim();
        var errors = new Dictionary<string, string[]>();
        if (code is null || !SiteCodePattern().IsMatch(code))
        {
            errors["siteCode"] = ["2 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. ACME-PHX)."];
        }

        if (request.DisplayName is { Length: > 200 })
        {
            errors["displayName"] = ["At most 200 characters."];
        }

        if (request.Company is { Length: > 200 })
        {
            errors["company"] = ["At most 200 characters."];
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(errors);
        }

        var site = await sites.CreateAsync(code!, Blank(request.DisplayName), Blank(request.Company), cancellationToken);
        if (site is null)
        {
            return ApiProblem.Conflict("SITE_CODE_TAKEN", $"A site with code '{code}' already exists.");
        }

        await audit.WriteAsync(new AuditEntry(AuditEventTypes.SiteCreated, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context),
            Details: new Dictionary<string, object?> { ["siteId"] = site.Id, ["siteCode"] = site.SiteCode }), cancellationToken);
        var created = (await sites.ListAsync(site.Id, cancellationToken)).Single().ToResponse();
        return TypedResults.Created($"/api/sites/{site.Id}", created);
    }

    /// <summary>Issues the next key version (the first call issues v1). The plaintext appears here once and nowhere else.</summary>
    internal static async Task<Results<Created<RotatedKeyResponse>, ProblemHttpResult>> RotateKeyAsync(
        Guid id, ClaimsPrincipal principal, HttpContext context, SiteStore sites, VerifiedKeyCache cache, AuditLog audit,
        CancellationToken cancellationToken)
    {
        var rotated = await sites.RotateKeyAsync(id, cancellationToken);
        if (rotated is not { } key)
        {
            return SiteNotFound();
        }

        cache.Invalidate(id);
        var label = KeyFingerprint.Label(key.Version, key.Fingerprint);
        await audit.WriteAsync(new AuditEntry(AuditEventTypes.EnrollmentKeyRotated, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context),
            Details: new Dictionary<string, object?> { ["siteId"] = id, ["version"] = key.Version, ["fingerprint"] = label }), cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/api/sites/{id}/enrollment-key", new RotatedKeyResponse(id, key.Key, key.Version, key.Fingerprint, label));
    }

    internal static async Task<Results<Ok<EnrollmentKeyInfo>, ProblemHttpResult>> GetKeyAsync(Guid id, SiteStore sites, CancellationToken cancellationToken)
    {
        if (!await sites.ExistsAsync(id, cancellationToken))
        {
            return SiteNotFound();
        }

        return await sites.GetCurrentKeyAsync(id, cancellationToken) is { } key
            ? TypedResults.Ok(key)
            : ApiProblem.NotFound("NO_ENROLLMENT_KEY", "This site has no enrollment key yet; rotate to issue v1.");
    }

    private static ProblemHttpResult SiteNotFound() => ApiProblem.NotFound("SITE_NOT_FOUND", "No site with this id.");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
