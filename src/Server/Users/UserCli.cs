using System.Text;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Data;

namespace GuruConnect.Server.Users;

/// <summary>
/// <c>guruconnect-server user add NAME --role admin|technician</c>: creates a user against the
/// configured database. The password is read from standard input when it is redirected, else
/// prompted for without echo.
/// </summary>
internal static class UserCli
{
    public static bool Handles(string[] args) => args.Length > 0 && args[0] == "user";

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length < 3 || args[1] != "add")
        {
            await error.WriteLineAsync("usage: guruconnect-server user add NAME [--role admin|technician]   (password from stdin or prompt)");
            return 2;
        }

        var name = args[2].Trim();
        var roleIndex = Array.IndexOf(args, "--role");
        var role = roleIndex > 0 && roleIndex + 1 < args.Length ? args[roleIndex + 1] : Roles.Technician;
        if (UsernameRules.Check(name) is { } badName)
        {
            await error.WriteLineAsync($"Invalid username: {badName}");
            return 2;
        }

        if (!Roles.IsValid(role))
        {
            await error.WriteLineAsync($"Invalid role '{role}': use admin or technician.");
            return 2;
        }

        var password = Console.IsInputRedirected || input != Console.In ? await input.ReadLineAsync(cancellationToken) : ReadHidden(output);
        if (PasswordRules.Check(password) is { } weak)
        {
            await error.WriteLineAsync($"Password rejected: {weak}");
            return 2;
        }

        await services.MigrateDatabaseAsync(cancellationToken);
        var users = services.GetRequiredService<UserStore>();
        var argon2 = services.GetRequiredService<Argon2id>();
        var (result, user) = await users.CreateAsync(Tenants.Default, name, await argon2.HashAsync(password!, cancellationToken), role, cancellationToken);
        if (result == UserChange.UsernameTaken)
        {
            await error.WriteLineAsync($"A user named '{name}' already exists.");
            return 3;
        }

        await output.WriteLineAsync($"Created {role} '{user!.Username}' ({user.Id}).");
        return 0;
    }

    private static string ReadHidden(TextWriter output)
    {
        output.Write("Password (12+ characters): ");
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                output.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
