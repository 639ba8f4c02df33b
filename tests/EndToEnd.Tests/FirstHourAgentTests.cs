using System.Diagnostics;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// What a new admin meets in the first hour with the real agent against the real server: a wrong server
/// address gets a hint about the address, and a refused key is a waiting agent that says so, not silence.
/// </summary>
public sealed class FirstHourAgentTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Enroll_against_a_page_of_the_server_instead_of_its_address_exits_with_a_hint_about_the_url(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        using var machine = new FakeMachine();
        await using var agent = new AgentProcess(machine);
        var wrong = new Uri(server.BaseAddress, "login").ToString(); // the console's sign-in page, copied from the browser

        var (exit, output) = await agent.RunToEndAsync("enroll", "--server", wrong, "--site-code", site.Code, "--enrollment-key", site.Key);

        exit.ShouldBe(3, output); // ExitCodes.ConfigInvalid: "server" is what to fix
        output.ShouldContain($"{wrong}/api/enroll answered", customMessage: output);
        output.ShouldContain("there is no GuruConnect enrollment endpoint at this address", customMessage: output);
        output.ShouldContain("This address has the path /login: drop it", customMessage: output);
        output.ShouldNotContain(site.Key, customMessage: output);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Run_with_a_refused_key_says_it_is_waiting_when_it_retries_and_what_fixes_it(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        await admin.RotateKeyAsync(site.Id); // the installer's key is no longer the site's
        using var machine = new FakeMachine();
        machine.WriteConfig(server.BaseAddress, site);
        await using var agent = new AgentProcess(machine);

        agent.Start("run");
        var started = Stopwatch.GetTimestamp();
        while (!agent.Output.Contains("Waiting for that fix", StringComparison.Ordinal) && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200);
        }

        var output = agent.Output;
        output.ShouldContain("The server rejected the site code or enrollment key for site ACME-PHX", customMessage: output);
        output.ShouldContain("download a fresh installer for this site (console: Sites → Build installer)", customMessage: output);
        output.ShouldContain($"the agent reads {machine.ConfigPath} again and retries in ", customMessage: output);
        output.ShouldMatch(@"retries in 1[4-6] min \(at \d\d:\d\d UTC\), or at once when the service is restarted", customMessage: output); // 15 min, jittered
        output.ShouldNotContain(site.Key, customMessage: output);
    }
}
