using System.Diagnostics;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// The real <c>guruconnect-agent support</c> against the real server: a technician's code opens an
/// attended session, cancelling the code ends it and the agent exits 0; a wrong code is explained.
/// Nothing is stored on the attended computer.
/// </summary>
public sealed class SupportSessionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task<string> CreateCodeAsync(HttpClient user)
    {
        using var response = await user.PostAsJsonAsync("/api/codes", new { note = "end-to-end" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_code_starts_an_attended_session_that_the_technician_ends(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var code = await CreateCodeAsync(admin);
        using var computer = new FakeMachine();
        await using var agent = new AgentProcess(computer);

        agent.Start("support", "--server", server.BaseAddress.ToString(), "--code", code);

        var started = Stopwatch.GetTimestamp();
        JsonElement? session = null;
        while (session is null && Stopwatch.GetElapsedTime(started) < Patience)
        {
            session = (await admin.GetFromJsonAsync<JsonElement[]>("/api/sessions"))!
                .FirstOrDefault(s => s.GetProperty("kind").GetString() == "support" && s.GetProperty("agentOnline").GetBoolean()) is { ValueKind: JsonValueKind.Object } found
                ? found
                : null;
            await Task.Delay(200);
        }

        session.ShouldNotBeNull($"no support session appeared. Agent output:\n{agent.Output}");
        session.Value.GetProperty("supportCode").GetString().ShouldBe(code);

        (await admin.PostAsync($"/api/codes/{code}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await agent.WaitForExitAsync(Patience)).ShouldBe(0, agent.Output);
        agent.Output.ShouldContain("The technician ended the session.");
        (await admin.GetFromJsonAsync<JsonElement>("/api/machines")).GetProperty("total").GetInt64().ShouldBe(0);
        Directory.Exists(agent.StateDirectory).ShouldBeFalse("an attended session stores nothing");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_wrong_code_is_explained_and_nothing_connects(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var code = await CreateCodeAsync(admin);
        using var computer = new FakeMachine();
        await using var agent = new AgentProcess(computer);

        var (exit, output) = await agent.RunToEndAsync("support", "--server", server.BaseAddress.ToString(), "--code", code == "111111" ? "222222" : "111111");

        exit.ShouldBe(13, output);
        output.ShouldContain("is not valid");
        output.ShouldContain("Ask your technician for a new one.");
        (await admin.GetFromJsonAsync<JsonElement[]>("/api/sessions"))!.ShouldBeEmpty();
    }
}
