using System.Security.Claims;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Network;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuruConnect.Server.Machines;

internal static class MachinesApi
{
    public const int MaxBulkDelete = 500;

    public static IEndpointRouteBuilder MapMachinesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/machines").WithTags("Machines").RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        var admin = group.MapGroup("/").RequireAuthorization(AuthPolicies.Admin);
        admin.MapPatch("/{id:guid}", UpdateAsync);
        admin.MapPost("/{id:guid}/approve", ApproveAsync);
        admin.MapDelete("/{id:guid}", DeleteAsync);
        admin.MapPost("/bulk-delete", BulkDeleteAsync);
        admin.MapPost("/{id:guid}/keys", IssueKeyAsync);
        admin.MapGet("/{id:guid}/keys", ListKeysAsync);
        admin.MapDelete("/{id:guid}/keys/{keyId:guid}", RevokeKeyAsync);
        return app;
    }

    internal static async Task<Results<Ok<Page<MachineSummary>>, ValidationProblem>> ListAsync(
        MachineSearch search, MachinePresence presence, CancellationToken cancellationToken,
        string? q = null, Guid? siteId = null, string? status = null, int page = 1, int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null and not ("online" or "offline" or "pending"))
        {
            errors["status"] = ["Use online, offline or pending."];
        }

        if (page < 1 || pageSize is < 1 or > 500)
        {
            errors["page"] = ["page starts at 1; pageSize is 1 to 500."];
        }

        if (q is { Length: > 512 })
        {
            errors["q"] = ["Search text is limited to 512 characters."];
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(errors);
        }

        var (rows, total) = await search.FindAsync(new MachineQuery(q, siteId, status, page, pageSize), presence.OnlineIds, cancellationToken);
        return TypedResults.Ok(new Page<MachineSummary>(rows.Select(r => r.ToSummary(presence)).ToList(), total, page, pageSize));
    }

    internal static async Task<Results<Ok<MachineDetail>, ProblemHttpResult>> GetAsync(
        Guid id, MachineStore machines, MachinePresence presence, CancellationToken cancellationToken) =>
        await machines.GetWithSiteAsync(id, cancellationToken) is { } found && !found.Machine.IsRemoved
            ? TypedResults.Ok(found.Machine.ToDetail(found.Site, presence))
            : MachineNotFound();

    internal static async Task<Results<Ok<MachineDetail>, ProblemHttpResult, ValidationProblem>> UpdateAsync(
        Guid id, UpdateMachineRequest request, MachineStore machines, MachinePresence presence, CancellationToken cancellationToken)
    {
        if (MachineLabelRules.Check(request.DisplayName, request.Company, request.Site, request.Department, request.DeviceType, request.Tags) is { Count: > 0 } errors)
        {
            return ApiProblem.Invalid(errors);
        }

        if (!await machines.UpdateLabelsAsync(id, request, cancellationToken) || await machines.GetWithSiteAsync(id, cancellationToken) is not { } found)
        {
            return MachineNotFound();
        }

        return TypedResults.Ok(found.Machine.ToDetail(found.Site, presence));
    }

    internal static async Task<Results<Ok<MachineDetail>, ProblemHttpResult>> ApproveAsync(
        Guid id, ClaimsPrincipal principal, HttpContext context, MachineStore machines, MachinePresence presence, AuditLog audit,
        CancellationToken cancellationToken)
    {
        if (await machines.GetWithSiteAsync(id, cancellationToken) is not { Machine.IsRemoved: false } before)
        {
            return MachineNotFound();
        }

        if (!await machines.ApproveAsync(id, cancellationToken))
        {
            return ApiProblem.Conflict("MACHINE_NOT_PENDING", "This machine is not waiting for approval.");
        }

        await audit.WriteAsync(new AuditEntry(AuditEventTypes.MachineApproved, principal.Username(), principal.Id(), id, Ip: ClientAddress.Of(context),
            Details: new Dictionary<string, object?> { ["machineUid"] = before.Machine.MachineUid, ["hostname"] = before.Machine.PendingHostname ?? before.Machine.Hostname }),
            cancellationToken);
        var after = await machines.GetWithSiteAsync(id, cancellationToken);
        return TypedResults.Ok(after!.Value.Machine.ToDetail(after.Value.Site, presence));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal principal, HttpContext context, MachineStore machines, MachineLifecycle lifecycle, AuditLog audit,
        CancellationToken cancellationToken)
    {
        var removed = await machines.RemoveAsync([id], cancellationToken);
        if (removed.Count == 0)
        {
            return MachineNotFound();
        }

        lifecycle.RaiseMachineRemoved(id);
        await audit.WriteAsync(new AuditEntry(AuditEventTypes.MachineRemoved, principal.Username(), principal.Id(), id, Ip: ClientAddress.Of(context)), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>≤ 500 ids; one bad id never fails the rest (docs/security.md §19).</summary>
    internal static async Task<Results<Ok<BulkDeleteResponse>, ValidationProblem>> BulkDeleteAsync(
        BulkDeleteRequest request, ClaimsPrincipal principal, HttpContext context, MachineStore machines, MachineLifecycle lifecycle,
        AuditLog audit, CancellationToken cancellationToken)
    {
        if (request.Ids is null || request.Ids.Count == 0 || request.Ids.Count > MaxBulkDelete)
        {
            return ApiProblem.Invalid("ids", $"Give 1 to {MaxBulkDelete} machine ids.");
        }

        var invalid = new List<string>();
        var ids = new HashSet<Guid>();
        foreach (var raw in request.Ids)
        {
            if (Guid.TryParse(raw, out var id))
            {
                ids.Add(id);
            }
            else
            {
                invalid.Add(raw ?? string.Empty);
            }
        }

        var removed = await machines.RemoveAsync(ids, cancellationToken);
        var notFound = ids.Except(removed).ToList();
        foreach (var id in removed)
        {
            lifecycle.RaiseMachineRemoved(id);
            await audit.WriteAsync(new AuditEntry(AuditEventTypes.MachineRemoved, principal.Username(), principal.Id(), id, Ip: ClientAddress.Of(context),
                Details: new Dictionary<string, object?> { ["bulk"] = true }), cancellationToken);
        }

        return TypedResults.Ok(new BulkDeleteResponse(removed, notFound, invalid));
    }

    internal static async Task<Results<Created<IssuedKeyResponse>, ProblemHttpResult>> IssueKeyAsync(
        Guid id, ClaimsPrincipal principal, HttpContext context, MachineStore machines, MachineKeyStore keys, AuditLog audit,
        CancellationToken cancellationToken)
    {
        if (await machines.GetWithSiteAsync(id, cancellationToken) is not { Machine.IsRemoved: false } found)
        {
            return MachineNotFound();
        }

        if (found.Machine.EnrollmentState == EnrollmentStates.Pending)
        {
            return ApiProblem.Conflict("MACHINE_PENDING", "This machine is waiting for approval; approve it before issuing a key.");
        }

        var issued = await keys.IssueAsync(id, cancellationToken);
        await audit.WriteAsync(new AuditEntry(AuditEventTypes.MachineKeyIssued, principal.Username(), principal.Id(), id, Ip: ClientAddress.Of(context),
            Details: new Dictionary<string, object?> { ["keyId"] = issued.KeyId }), cancellationToken);
        return TypedResults.Created($"/api/machines/{id}/keys/{issued.KeyId}", new IssuedKeyResponse(issued.KeyId, issued.Key));
    }

    internal static async Task<Results<Ok<IReadOnlyList<MachineKeyInfo>>, ProblemHttpResult>> ListKeysAsync(
        Guid id, MachineStore machines, MachineKeyStore keys, CancellationToken cancellationToken) =>
        await machines.GetWithSiteAsync(id, cancellationToken) is null
            ? MachineNotFound()
            : TypedResults.Ok(await keys.ListAsync(id, cancellationToken));

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(
        Guid id, Guid keyId, ClaimsPrincipal principal, HttpContext context, MachineKeyStore keys, MachineLifecycle lifecycle, AuditLog audit,
        CancellationToken cancellationToken)
    {
        if (!await keys.RevokeAsync(id, keyId, cancellationToken))
        {
            return ApiProblem.NotFound("KEY_NOT_FOUND", "This machine has no key with this id.");
        }

        lifecycle.RaiseKeyRevoked(id, keyId);
        await audit.WriteAsync(new AuditEntry(AuditEventTypes.MachineKeyRevoked, principal.Username(), principal.Id(), id, Ip: ClientAddress.Of(context),
            Details: new Dictionary<string, object?> { ["keyId"] = keyId }), cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult MachineNotFound() => ApiProblem.NotFound("MACHINE_NOT_FOUND", "No machine with this id.");
}
