using GuruConnect.Server.Hosting;
using GuruConnect.Server.Users;

namespace GuruConnect.Server.Tests.Hosting;

public sealed class StartupTests
{
    [Fact]
    public async Task A_configured_jwt_secret_shorter_than_32_bytes_stops_start_up()
    {
        await using var test = await TestDatabase.CreateAsync(DbKind.Sqlite);
        var error = await Should.ThrowAsync<InvalidOperationException>(
            () => GuruServer.StartOnAsync(test, new ManualClock(), "--Auth:JwtSecret=too-short-secret"));
        error.Message.ShouldContain("at least 32");
    }

    [Fact]
    public async Task The_embedded_default_generates_a_secret_file_with_owner_only_mode()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        var file = Path.Combine(server.Database.DataDirectory, "jwt-secret");
        File.Exists(file).ShouldBeTrue();
        File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task Without_an_admin_password_a_random_one_is_printed_once_and_works()
    {
        await using var test = await TestDatabase.CreateAsync(DbKind.Sqlite);
        var app = ServerApp.Build(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. test.ServerArguments()]);
        await using (app)
        {
            var console = new StringWriter();
            await app.PrepareAsync(console, CancellationToken.None);
            var printed = console.ToString();
            var password = printed.Split('\n').Single(l => l.Contains("password:", StringComparison.Ordinal)).Split(':')[1].Trim();
            password.Length.ShouldBeGreaterThanOrEqualTo(20);

            var users = app.Services.GetRequiredService<UserStore>();
            var admin = await users.FindByUsernameAsync(GuruConnect.Server.Data.Tenants.Default, "admin", CancellationToken.None);
            (await app.Services.GetRequiredService<GuruConnect.Server.Auth.Argon2id>().VerifyAsync(admin!.PasswordHash, password, CancellationToken.None)).ShouldBeTrue();

            // Second start: nothing printed again.
            var second = new StringWriter();
            await app.PrepareAsync(second, CancellationToken.None);
            second.ToString().ShouldBeEmpty();
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Cli_user_add_reads_the_password_from_stdin(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await UserCli.RunAsync(["user", "add", "carol", "--role", "admin"], server.Services, new StringReader("carol-password-123\n"), output, error, CancellationToken.None);

        exit.ShouldBe(0, error.ToString());
        output.ToString().ShouldContain("Created admin 'carol'");
        (await server.LoginAsync("carol", "carol-password-123")).ShouldNotBeNullOrEmpty();
        (await UserCli.RunAsync(["user", "add", "carol"], server.Services, new StringReader("carol-password-123\n"), output, error, CancellationToken.None)).ShouldBe(3);
        (await UserCli.RunAsync(["user", "add", "dave"], server.Services, new StringReader("short\n"), output, error, CancellationToken.None)).ShouldBe(2);
    }
}
