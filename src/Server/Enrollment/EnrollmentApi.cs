using GuruConnect.Server.Errors;
using GuruConnect.Server.Machines;
using GuruConnect.Server.Network;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuruConnect.Server.Enrollment;

internal static class EnrollmentApi
{
    public static IEndpointRouteBuilder MapEnrollmentApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/enroll", EnrollAsync).WithTags("Enrollment").AllowAnonymous();
        return app;
    }

    internal static async Task<Results<Created<EnrollResponse>, Ok<EnrollResponse>, Accepted<EnrollResponse>, ProblemHttpResult, ValidationProblem>> EnrollAsync(
        EnrollRequest request, HttpContext context, EnrollmentService enrollment, CancellationToken cancellationToken)
    {
        if (ValidEnrollRequest.Validate(request, out var valid) is { Count: > 0 } errors)
        {
            return ApiProblem.Invalid(errors);
        }

        var outcome = await enrollment.EnrollAsync(valid!, ClientAddress.Of(context), cancellationToken);
        return outcome switch
        {
            EnrollOutcome.RateLimited limited => ApiProblem.RateLimited(context, limited.RetryAfter),
            // One body for unknown site, no active key and wrong key (docs/security.md §12).
            EnrollOutcome.Rejected => ApiProblem.Create(StatusCodes.Status401Unauthorized, "ENROLL_REJECTED", "Enrollment rejected",
                "Invalid site code or enrollment key"),
            EnrollOutcome.SiteConflict => ApiProblem.Conflict("ENROLL_SITE_CONFLICT",
                "This machine is already enrolled at another site. Remove it there, or ask an admin to move it, then enroll again."),
            EnrollOutcome.Pending pending => TypedResults.Accepted(
                $"/api/machines/{pending.MachineId}",
                new EnrollResponse(pending.MachineId, null, EnrollmentStates.Pending, Dispositions.CollisionPending)),
            EnrollOutcome.Enrolled { Disposition: Dispositions.New } created => TypedResults.Created(
                $"/api/machines/{created.MachineId}",
                new EnrollResponse(created.MachineId, created.Key, EnrollmentStates.Active, Dispositions.New)),
            EnrollOutcome.Enrolled reused => TypedResults.Ok(new EnrollResponse(reused.MachineId, reused.Key, EnrollmentStates.Active, Dispositions.Reuse)),
            _ => throw new InvalidOperationException("unexpected enrollment outcome"),
        };
    }
}
