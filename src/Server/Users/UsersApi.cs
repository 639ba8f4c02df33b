using System.Security.Claims;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Data;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Network;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuruConnect.Server.Users;

/// <summary>Users CRUD (admin). The last admin of a tenant can be neither deleted nor demoted.</summary>
internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(AuthPolicies.Admin);
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPatch("/{id:guid}", UpdateAsync);
        group.MapDelete("/{id:guid}", DeleteAsync);
        return app;
    }

    internal static async Task<Ok<List<UserResponse>>> ListAsync(UserStore users, CancellationToken cancellationToken) =>
        TypedResults.Ok((await users.ListAsync(Tenants.Default, cancellationToken)).Select(u => u.ToResponse()).ToList());

    internal static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetAsync(Guid id, UserStore users, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(id, cancellationToken) is { TenantId: var tenant } user && tenant == Tenants.Default
            ? TypedResults.Ok(user.ToResponse())
            : ApiProblem.NotFound(ErrorCodes.UserNotFound, "No user with this id.");

    internal static async Task<Results<Created<UserResponse>, ProblemHttpResult, ValidationProblem>> CreateAsync(
        CreateUserRequest request, ClaimsPrincipal principal, HttpContext context, UserStore users, Argon2id argon2,
        AuditLog audit, CancellationToken cancellationToken)
    {
        var username = request.Username?.Trim();
        var errors = new Dictionary<string, string[]>();
        if (UsernameRules.Check(username) is { } badName)
        {
            errors["username"] = [badName];
        }

        if (!Roles.IsValid(request.Role))
        {
            errors["role"] = [$"Use \"{Roles.Admin}\" or \"{Roles.Technician}\"."];
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(errors);
        }

        if (PasswordRules.Check(request.Password) is { } weak)
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, ErrorCodes.WeakPassword, "Weak password", weak);
        }

        var (result, user) = await users.CreateAsync(Tenants.Default, username!, await argon2.HashAsync(request.Password!, cancellationToken), request.Role!, cancellationToken);
        if (result == UserChange.UsernameTaken || user is null)
        {
            return ApiProblem.Conflict(ErrorCodes.UsernameTaken, $"A user named '{username}' already exists.");
        }

        await audit.WriteAsync(new AuditEntry(AuditEventTypes.UserCreated, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context),
            Details: new Dictionary<string, object?> { ["userId"] = user.Id, ["username"] = user.Username, ["role"] = user.Role }), cancellationToken);
        return TypedResults.Created($"/api/users/{user.Id}", user.ToResponse());
    }

    internal static async Task<Results<Ok<UserResponse>, ProblemHttpResult, ValidationProblem>> UpdateAsync(
        Guid id, UpdateUserRequest request, ClaimsPrincipal principal, HttpContext context, UserStore users, Argon2id argon2,
        AuditLog audit, CancellationToken cancellationToken)
    {
        var username = request.Username?.Trim();
        var errors = new Dictionary<string, string[]>();
        if (username is not null && UsernameRules.Check(username) is { } badName)
        {
            errors["username"] = [badName];
        }

        if (request.Role is not null && !Roles.IsValid(request.Role))
        {
            errors["role"] = [$"Use \"{Roles.Admin}\" or \"{Roles.Technician}\"."];
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(errors);
        }

        if (request.Password is not null && PasswordRules.Check(request.Password) is { } weak)
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, ErrorCodes.WeakPassword, "Weak password", weak);
        }

        var (result, user) = await users.UpdateAsync(id, username, request.Role, cancellationToken);
        switch (result)
        {
            case UserChange.NotFound:
                return ApiProblem.NotFound(ErrorCodes.UserNotFound, "No user with this id.");
            case UserChange.LastAdmin:
                return ApiProblem.Conflict(ErrorCodes.LastAdmin, "This is the last admin; make another user admin first.");
            case UserChange.UsernameTaken:
                return ApiProblem.Conflict(ErrorCodes.UsernameTaken, $"A user named '{username}' already exists.");
        }

        if (request.Password is not null)
        {
            // The user's login sessions end (an admin resetting a password means it); an admin resetting
            // their own keeps the session they did it from.
            var keep = id == principal.Id() ? principal.Jti() : null;
            await users.SetPasswordAsync(id, await argon2.HashAsync(request.Password, cancellationToken), keep, cancellationToken);
        }

        await audit.WriteAsync(new AuditEntry(AuditEventTypes.UserUpdated, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context),
            Details: new Dictionary<string, object?>
            {
                ["userId"] = id,
                ["username"] = user!.Username,
                ["role"] = user.Role,
                ["passwordReset"] = request.Password is not null,
            }), cancellationToken);
        return TypedResults.Ok(user.ToResponse());
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal principal, HttpContext context, UserStore users, AuditLog audit, CancellationToken cancellationToken)
    {
        var (result, user) = await users.DeleteAsync(id, cancellationToken);
        switch (result)
        {
            case UserChange.NotFound:
                return ApiProblem.NotFound(ErrorCodes.UserNotFound, "No user with this id.");
            case UserChange.LastAdmin:
                return ApiProblem.Conflict(ErrorCodes.LastAdmin, "This is the last admin and cannot be deleted; make another user admin first.");
        }

        await audit.WriteAsync(new AuditEntry(AuditEventTypes.UserDeleted, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context),
            Details: new Dictionary<string, object?> { ["userId"] = id, ["username"] = user!.Username }), cancellationToken);
        return TypedResults.NoContent();
    }
}
