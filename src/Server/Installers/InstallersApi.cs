using System.Security.Claims;
using GuruConnect.Protocol;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Enrollment;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Machines;
using GuruConnect.Server.Network;
using GuruConnect.Server.Releases;
using GuruConnect.Server.Sites;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Installers;

/// <summary>
/// Per-site installers (docs/installers.md): <c>POST /api/sites/{id}/installer</c> builds and streams one, or
/// returns a time-limited link (<c>GET /download/installer/{token}</c>) that fetches it without a login.
/// The server keeps only the key's hash, so the admin supplies the plaintext or rotates in the same call.
/// Each build is audited with the site, format and key fingerprint — never the key.
/// </summary>
internal static partial class InstallersApi
{
    public const string InstallerBuilt = "installer_built";
    public const string InstallerLinkCreated = "installer_link_created";
    public const string InstallerLinkUsed = "installer_link_used";

    public static IEndpointRouteBuilder MapInstallersApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/sites/{id:guid}/installer", BuildAsync).WithTags("Sites").RequireAuthorization(AuthPolicies.Admin);
        app.MapGet("/download/installer/{token}", DownloadAsync).WithTags("Downloads").AllowAnonymous();
        return app;
    }

    internal static async Task<IResult> BuildAsync(
        Guid id, InstallerRequest request, ClaimsPrincipal principal, HttpContext context, InstallerSites sites, SiteStore siteStore,
        VerifiedKeyCache cache, Argon2id argon2, InstallerBuilder builder, InstallerLinks links, AuditLog audit, IOptions<InstallerOptions> options,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var format = request.Format?.Trim().ToLowerInvariant();
        var errors = new Dictionary<string, string[]>();
        if (format is null || !InstallerBuilder.Formats.Contains(format))
        {
            errors["format"] = ["One of msi, deb, sh."];
        }

        var key = request.EnrollmentKey?.Trim();
        if (request.Rotate == (key is { Length: > 0 }))
        {
            errors["enrollmentKey"] = ["Give the site's current enrollment key (cek_…), or rotate: true to issue a new one — one of the two."];
        }

        var labels = request.Labels ?? new InstallerLabels(null, null, null, null, null);
        foreach (var (field, messages) in MachineLabelRules.Check(null, labels.Company, labels.Site, labels.Department, labels.DeviceType, labels.Tags))
        {
            errors["labels." + field] = messages;
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(errors);
        }

        if (builder.RefusalFor(format!) is { } refusal)
        {
            return ApiProblem.Conflict(InstallerErrorCodes.SigningNotConfigured, refusal);
        }

        if (await sites.FindAsync(id, cancellationToken) is not { } site)
        {
            return ApiProblem.NotFound(InstallerErrorCodes.SiteNotFound, "No site with this id.");
        }

        int version;
        string fingerprint;
        if (request.Rotate)
        {
            if (await siteStore.RotateKeyAsync(id, cancellationToken) is not { } rotated)
            {
                return ApiProblem.NotFound(InstallerErrorCodes.SiteNotFound, "No site with this id.");
            }

            cache.Invalidate(id);
            (key, version, fingerprint) = rotated;
            await audit.WriteAsync(new AuditEntry(AuditEventTypes.EnrollmentKeyRotated, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context),
                Details: new Dictionary<string, object?> { ["siteId"] = id, ["version"] = version, ["fingerprint"] = KeyFingerprint.Label(version, fingerprint), ["via"] = "installer" }),
                cancellationToken);
        }
        else if (site.KeyHash is null)
        {
            return ApiProblem.NotFound(InstallerErrorCodes.NoEnrollmentKey,
                "This site has no enrollment key yet. Send rotate: true to issue one and build the installer with it.");
        }
        else if (!await argon2.VerifyAsync(site.KeyHash, key!, cancellationToken))
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, InstallerErrorCodes.EnrollmentKeyMismatch, "Enrollment key mismatch",
                $"That is not this site's current enrollment key ({KeyFingerprint.Label(site.KeyVersion!.Value, site.KeyFingerprint!)}). " +
                "Paste the key shown when it was issued, or send rotate: true to issue a new one (machines already enrolled keep working).");
        }
        else
        {
            version = site.KeyVersion!.Value;
            fingerprint = site.KeyFingerprint!;
        }

        var server = options.Value.PublicUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";
        var input = new SiteInstallerInput(id, site.SiteCode, server, key!, version, fingerprint, new InstallerLabels(
            Blank(labels.Company) ?? site.Company, Blank(labels.Site) ?? site.DisplayName, Blank(labels.Department), Blank(labels.DeviceType),
            labels.Tags?.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList()));
        var details = new Dictionary<string, object?>
        {
            ["siteId"] = id,
            ["siteCode"] = site.SiteCode,
            ["format"] = format,
            ["fingerprint"] = input.FingerprintLabel,
            ["rotated"] = request.Rotate,
        };

        if (request.Link)
        {
            var expiresAt = time.GetUtcNow() + options.Value.LinkLifetime;
            var linkId = Guid.CreateVersion7(time.GetUtcNow());
            var token = links.Create(new InstallerLinkPayload(linkId, id, version, format!, key!, server, input.Labels, expiresAt));
            details["linkId"] = linkId;
            details["expiresAt"] = expiresAt;
            await audit.WriteAsync(new AuditEntry(InstallerLinkCreated, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context), Details: details), cancellationToken);
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Created((string?)null,
                new InstallerLinkResponse($"{server}/download/installer/{token}", expiresAt, $"{input.BaseFileName}.{format}", input.FingerprintLabel));
        }

        var built = await TryBuildAsync(builder, input, format!, context, cancellationToken);
        if (built is IResult failure)
        {
            return failure;
        }

        await audit.WriteAsync(new AuditEntry(InstallerBuilt, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context), Details: details), cancellationToken);
        return Send(context, (BuiltInstaller)built, input.FingerprintLabel);
    }

    /// <summary>
    /// A link made with <c>link: true</c>. Public, so it is counted per client IP; a bad or expired link, or one
    /// whose key has been rotated since, is the same 404 and one more failure toward that IP's lockout.
    /// </summary>
    internal static async Task<IResult> DownloadAsync(
        string token, HttpContext context, InstallerLinks links, InstallerLinkGuard guard, InstallerSites sites, InstallerBuilder builder,
        AuditLog audit, CancellationToken cancellationToken)
    {
        var ip = ClientAddress.Of(context);
        var decision = guard.TryAcquire(ip);
        if (!decision.Allowed)
        {
            return ApiProblem.RateLimited(context, decision.RetryAfter);
        }

        var payload = links.Read(token);
        var site = payload is null ? null : await sites.FindAsync(payload.SiteId, cancellationToken);
        if (payload is null || site is null || site.KeyVersion != payload.KeyVersion || builder.RefusalFor(payload.Format) is not null)
        {
            guard.Failed(ip);
            return ApiProblem.NotFound(InstallerErrorCodes.LinkInvalid,
                "This installer link is not valid: it has expired, or the site's enrollment key was rotated since it was made. Ask your administrator for a new link.");
        }

        var input = new SiteInstallerInput(site.Id, site.SiteCode, payload.Server, payload.EnrollmentKey, payload.KeyVersion, site.KeyFingerprint!, payload.Labels);
        var built = await TryBuildAsync(builder, input, payload.Format, context, cancellationToken);
        if (built is IResult failure)
        {
            return failure;
        }

        await audit.WriteAsync(new AuditEntry(InstallerLinkUsed, Ip: ip, Details: new Dictionary<string, object?>
        {
            ["siteId"] = site.Id,
            ["siteCode"] = site.SiteCode,
            ["format"] = payload.Format,
            ["fingerprint"] = input.FingerprintLabel,
            ["linkId"] = payload.LinkId,
        }), cancellationToken);
        return Send(context, (BuiltInstaller)built, input.FingerprintLabel);
    }

    private static async Task<object> TryBuildAsync(InstallerBuilder builder, SiteInstallerInput input, string format, HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await builder.BuildAsync(input, format, cancellationToken) is { } built
                ? built
                : ReleasesApi.NotPublished(InstallerBuilder.PlatformOf(format));
        }
        catch (InstallerToolException ex)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InstallersApi));
            LogToolFailed(logger, ex.Tool, ex.Message);
            return ex.Missing
                ? ApiProblem.Create(StatusCodes.Status503ServiceUnavailable, InstallerErrorCodes.ToolMissing, "Installer tool missing",
                    $"{ex.Tool} is not installed on the server, so this installer cannot be built. On Debian: apt-get install {(ex.Tool.Contains("wixl", StringComparison.Ordinal) ? "wixl msitools" : "osslsigncode")}.")
                : ApiProblem.Create(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "Installer build failed",
                    $"{ex.Tool} failed while building the installer; the server log has its output.");
        }
    }

    private static IResult Send(HttpContext context, BuiltInstaller built, string fingerprintLabel)
    {
        var headers = context.Response.Headers;
        headers[ReleasesApi.Sha256Header] = built.Sha256;
        headers["X-Enrollment-Key-Fingerprint"] = fingerprintLabel;
        headers.CacheControl = "no-store"; // it holds the site's enrollment key
        var stream = new FileStream(built.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        return Results.File(stream, built.ContentType, built.FileName, enableRangeProcessing: true);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [LoggerMessage(Level = LogLevel.Error, Message = "Installer build failed: {Tool}: {Reason}")]
    private static partial void LogToolFailed(ILogger logger, string tool, string reason);
}
