using System.Security.Claims;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Data;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Network;
using GuruConnect.Server.RateLimiting;
using GuruConnect.Server.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuruConnect.Server.Auth;

internal static class AuthApi
{
    private const string InvalidCredentialsDetail = "Unknown username or wrong password.";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth");
        group.MapPost("/login", LoginAsync).AllowAnonymous();
        group.MapPost("/logout", LogoutAsync).RequireAuthorization();
        group.MapGet("/me", Me).RequireAuthorization();
        group.MapPost("/change-password", ChangePasswordAsync).RequireAuthorization();
        return app;
    }

    /// <summary>
    /// Unknown user and wrong password give the same body and the same cost (one Argon2id verify,
    /// against a dummy hash for unknown users) so neither timing nor body reveals which usernames exist.
    /// </summary>
    internal static async Task<Results<Ok<LoginResponse>, ProblemHttpResult, ValidationProblem>> LoginAsync(
        LoginRequest request, HttpContext context, UserStore users, Argon2id argon2, TokenService tokens,
        AuthRateLimiters limiters, AuditLog audit, CancellationToken cancellationToken)
    {
        var ip = ClientAddress.Of(context);
        var client = ClientBucket.Of(ip);
        var decision = limiters.Login.TryAcquire(client);
        if (!decision.Allowed)
        {
            await audit.WriteAsync(new AuditEntry(AuditEventTypes.LoginRateLimited, Ip: ip), cancellationToken);
            return ApiProblem.RateLimited(context, decision.RetryAfter);
        }

        if (string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password)
            || request.Username.Length > 256 || request.Password.Length > PasswordRules.MaximumLength)
        {
            return ApiProblem.Invalid(new Dictionary<string, string[]>
            {
                ["username"] = string.IsNullOrWhiteSpace(request.Username) || request.Username.Length > 256 ? ["Give a username (at most 256 characters)."] : [],
                ["password"] = string.IsNullOrEmpty(request.Password) || request.Password.Length > PasswordRules.MaximumLength ? ["Give a password."] : [],
            }.Where(pair => pair.Value.Length > 0).ToDictionary());
        }

        var username = request.Username.Trim();
        if (limiters.Account.TryAttempt(username, client) is { Allowed: false } throttled)
        {
            await audit.WriteAsync(new AuditEntry(AuditEventTypes.LoginRateLimited, Ip: ip,
                Details: new Dictionary<string, object?> { ["reason"] = "account_throttle" }), cancellationToken);
            return ApiProblem.RateLimited(context, throttled.RetryAfter);
        }

        var user = await users.FindByUsernameAsync(Tenants.Default, username, cancellationToken);
        var verified = user is null
            ? await argon2.VerifyDummyAsync(request.Password, cancellationToken)
            : await argon2.VerifyAsync(user.PasswordHash, request.Password, cancellationToken);
        if (!verified || user is null)
        {
            limiters.Login.RecordFailure(client);
            limiters.Account.Failed(username, client);
            await audit.WriteAsync(new AuditEntry(
                AuditEventTypes.LoginFailed, Actor: username.Length > 64 ? username[..64] : username, ActorId: user?.Id, Ip: ip,
                Details: new Dictionary<string, object?> { ["reason"] = user is null ? "unknown_user" : "wrong_password" }), cancellationToken);
            return ApiProblem.Create(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials, "Invalid credentials", InvalidCredentialsDetail);
        }

        limiters.Login.RecordSuccess(client);
        limiters.Account.Succeeded(username, client);
        var issued = tokens.IssueLogin(user.Id, user.Username, user.Role, user.TokenGeneration);
        await audit.WriteAsync(new AuditEntry(AuditEventTypes.LoginSucceeded, user.Username, user.Id, Ip: ip), cancellationToken);
        return TypedResults.Ok(new LoginResponse(issued.Token, issued.ExpiresAt, user.ToLoginUser()));
    }

    internal static async Task<NoContent> LogoutAsync(
        ClaimsPrincipal principal, HttpContext context, RevokedTokens revoked, AuditLog audit, CancellationToken cancellationToken)
    {
        if (principal.Jti() is { } jti && principal.TokenExpiresAt() is { } expiresAt)
        {
            await revoked.RevokeAsync(jti, principal.Id(), expiresAt, cancellationToken);
        }

        await audit.WriteAsync(new AuditEntry(AuditEventTypes.Logout, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context)), cancellationToken);
        return TypedResults.NoContent();
    }

    internal static Ok<LoginUser> Me(ClaimsPrincipal principal) =>
        TypedResults.Ok(new LoginUser(principal.Id(), principal.Username(), principal.FindFirstValue(ClaimTypes.Role) ?? string.Empty));

    internal static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> ChangePasswordAsync(
        ChangePasswordRequest request, ClaimsPrincipal principal, HttpContext context, UserStore users, Argon2id argon2,
        AuthRateLimiters limiters, AuditLog audit, CancellationToken cancellationToken)
    {
        var userId = principal.Id();
        var key = userId.ToString();
        var decision = limiters.ChangePassword.TryAcquire(key);
        if (!decision.Allowed)
        {
            return ApiProblem.RateLimited(context, decision.RetryAfter);
        }

        if (string.IsNullOrEmpty(request.CurrentPassword) || request.CurrentPassword.Length > PasswordRules.MaximumLength)
        {
            return ApiProblem.Invalid("currentPassword", "Give your current password.");
        }

        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null || !await argon2.VerifyAsync(user.PasswordHash, request.CurrentPassword, cancellationToken))
        {
            limiters.ChangePassword.RecordFailure(key);
            return ApiProblem.Create(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials, "Invalid credentials", "The current password is wrong.");
        }

        limiters.ChangePassword.RecordSuccess(key);
        if (PasswordRules.Check(request.NewPassword) is { } weak)
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, ErrorCodes.WeakPassword, "Weak password", weak);
        }

        // Every other login session of this user ends; the one that made the change goes on.
        await users.SetPasswordAsync(userId, await argon2.HashAsync(request.NewPassword!, cancellationToken), principal.Jti(), cancellationToken);
        await audit.WriteAsync(new AuditEntry(AuditEventTypes.PasswordChanged, user.Username, user.Id, Ip: ClientAddress.Of(context)), cancellationToken);
        return TypedResults.NoContent();
    }
}
