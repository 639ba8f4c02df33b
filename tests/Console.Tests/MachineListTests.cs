using GuruConnect.Protocol.V1;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GuruConnect.Console.Tests;

/// <summary>
/// The machine list (docs/console.md "Pages"): the company tree filters by a company whose name has
/// spaces without catching another company that shares its first word, and a row shows the
/// logged-on user with the idle time the agent reported.
/// </summary>
public sealed class MachineListTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact]
    public async Task A_multi_word_company_in_the_tree_filters_exactly_and_a_row_shows_the_user_and_idle_time()
    {
        await using var server = await ConsoleServer.StartAsync();
        using var admin = await server.AdminClientAsync();
        var dental = await SiteOfAsync(admin, "DENTAL-1", "Acme Dental Group");
        var corp = await SiteOfAsync(admin, "CORP-1", "Acme Corp");
        var (_, chairKey) = await server.EnrollAsync(dental, "uid-chair", "CHAIR-1");
        await server.EnrollAsync(corp, "uid-corp", "CORP-PC");
        await using var agent = await FakeAgent.ConnectAsync(server, chairKey, "uid-chair", "CHAIR-1");
        await agent.SendAsync(new Envelope { AgentStatus = new AgentStatus { OsName = "Linux", LoggedOnUser = "alice", UserIdleSeconds = 900 } });
        await agent.PingAsync();

        var page = await chromium.NewPageAsync(server.BaseAddress);
        await page.LogInAsync();
        var rows = page.GetByTestId("machine-row");
        await Expect(rows).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Companies and sites" })
            .GetByRole(AriaRole.Button, new() { Name = "Acme Dental Group" }).ClickAsync();
        await Expect(page.GetByTestId("machine-search")).ToHaveValueAsync("company:\"Acme Dental Group\"");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("CHAIR-1");
        await Expect(rows.GetByTestId("idle")).ToContainTextAsync("idle 15 min");
        await Expect(rows).ToContainTextAsync("alice");
        await page.ScreenshotAsync("machines-company-filter");
    }

    private static async Task<Fleet.Site> SiteOfAsync(HttpClient admin, string code, string company)
    {
        using var created = await admin.PostAsJsonAsync("/api/sites", new { siteCode = code, company });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return new Fleet.Site(id, code, await admin.RotateKeyAsync(id));
    }
}
