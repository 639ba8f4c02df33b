using System.Security.Cryptography;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Users;

/// <summary>
/// First start with no users: create <c>admin</c> with <c>GURUCONNECT_ADMIN_PASSWORD</c>, or with a
/// random password printed once to the console (never to the log).
/// </summary>
internal sealed class AdminBootstrap(UserStore users, Argon2id argon2, IConfiguration configuration, ILogger<AdminBootstrap> logger)
{
    public const string PasswordVariable = "GURUCONNECT_ADMIN_PASSWORD";

    public async Task EnsureAdminAsync(TextWriter console, CancellationToken cancellationToken)
    {
        if (await users.AnyAsync(Tenants.Default, cancellationToken))
        {
            return;
        }

        var configured = configuration[PasswordVariable];
        if (!string.IsNullOrEmpty(configured) && PasswordRules.Check(configured) is { } weak)
        {
            throw new InvalidOperationException($"{PasswordVariable} is too weak: {weak}");
        }

        var password = string.IsNullOrEmpty(configured) ? GeneratePassword() : configured;
        var (result, _) = await users.CreateAsync(Tenants.Default, "admin", await argon2.HashAsync(password, cancellationToken), Roles.Admin, cancellationToken);
        if (result != UserChange.Done)
        {
            return; // another server created it at the same moment
        }

        UsersLog.AdminCreated(logger, string.IsNullOrEmpty(configured) ? "a generated password (printed once on the console)" : PasswordVariable);
        if (string.IsNullOrEmpty(configured))
        {
            await console.WriteLineAsync($"""

                ==============================================================
                 GuruConnect created the first user.
                   username: admin
                   password: {password}
                 This password is shown only now. Change it after logging in.
                ==============================================================

                """);
            await console.FlushAsync(cancellationToken);
        }
    }

    private static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }
}
