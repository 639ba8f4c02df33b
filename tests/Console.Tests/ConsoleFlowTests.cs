using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GuruConnect.Console.Tests;

/// <summary>
/// Issue 10 acceptance 3: an admin drives the built console in Debian's Chromium against the real
/// server and real agents. Screenshots land in artifacts/test-results/console.
/// </summary>
public sealed class ConsoleFlowTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact]
    public async Task A_failed_login_shows_the_problem_and_its_trace_id_and_a_lockout_says_so()
    {
        await using var server = await ConsoleServer.StartAsync("--Auth:LoginFailuresBeforeLockout=3");
        var page = await chromium.NewPageAsync(server.BaseAddress);

        await page.LogInAsync("not-the-password");
        var problem = page.GetByTestId("problem");
        await Expect(problem).ToContainTextAsync("Wrong username or password.");
        await Expect(problem).ToContainTextAsync("INVALID_CREDENTIALS");
        await Expect(page.GetByTestId("trace-id")).ToHaveTextAsync(new Regex("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"));

        for (var i = 0; i < 3; i++)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.WaitForTimeoutAsync(200);
        }

        await Expect(problem).ToContainTextAsync("sign-in is locked for");
        await Expect(problem).ToContainTextAsync("RATE_LIMITED");
    }

    [Fact]
    public async Task An_admin_creates_a_site_rotates_its_key_enrolls_two_agents_searches_and_removes_one()
    {
        await using var server = await ConsoleServer.StartAsync();
        var page = await chromium.NewPageAsync(server.BaseAddress);
        await page.LogInAsync();
        await Expect(page.GetByTestId("empty-state")).ToContainTextAsync("No machines yet.");

        // Create a site.
        await page.NavigateAsync("Sites");
        await Expect(page.GetByTestId("empty-state")).ToContainTextAsync("No sites yet.");
        await CreateSiteAsync(page, "ACME-PHX", "Acme Phoenix", "Acme");
        await Expect(page.GetByTestId("site-row")).ToHaveCountAsync(1);

        // A natural 4xx: the same site code again shows the server's problem with its trace id.
        await CreateSiteAsync(page, "ACME-PHX", "Again", "Acme");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("problem")).ToContainTextAsync("SITE_CODE_TAKEN");
        await Expect(dialog.GetByTestId("trace-id")).ToHaveTextAsync(new Regex("^00-[0-9a-f]{32}-"));
        await page.ScreenshotAsync("api-error");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // Issue the first key: shown once, with its fingerprint label.
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue key" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Issue" }).ClickAsync();
        var keyText = page.GetByTestId("enrollment-key");
        await Expect(keyText).ToHaveTextAsync(new Regex("^cek_[0-9a-f]{64}$"));
        var key = await keyText.TextContentAsync();
        var label = await page.GetByTestId("rotated-fingerprint").TextContentAsync();
        label!.ShouldMatch(@"^v1 \([0-9A-F]{4}\)$");
        await page.ScreenshotAsync("key-rotation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Done, I copied it" }).ClickAsync();
        await Expect(page.GetByTestId("fingerprint")).ToHaveTextAsync(label!);
        (await page.ContentAsync()).ShouldNotContain(key!, customMessage: "the key is shown once, in the dialog only");
        await page.ReloadAsync();
        await Expect(page.GetByTestId("site-row")).ToHaveCountAsync(1);
        (await page.ContentAsync()).ShouldNotContain(key!);

        // Rotating again gives v2 and a new key.
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate key" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        await Expect(page.GetByTestId("rotated-fingerprint")).ToHaveTextAsync(new Regex(@"^v2 \([0-9A-F]{4}\)$"));
        var key2 = await keyText.TextContentAsync();
        key2.ShouldNotBe(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Done, I copied it" }).ClickAsync();

        // Two real agents enroll with the key the console showed.
        using var admin = await server.AdminClientAsync();
        var site = (await admin.GetFromJsonAsync<JsonElement[]>("/api/sites", TestContext.Current.CancellationToken))![0];
        var fleetSite = new Fleet.Site(site.GetProperty("id").GetGuid(), "ACME-PHX", key2!);
        using var machineA = new FakeMachine();
        using var machineB = new FakeMachine();
        machineA.WriteConfig(server.BaseAddress, fleetSite, site.GetProperty("currentKey").GetProperty("fingerprintLabel").GetString()!);
        machineB.WriteConfig(server.BaseAddress, fleetSite, site.GetProperty("currentKey").GetProperty("fingerprintLabel").GetString()!,
            new { company = "Acme", site = "Phoenix", department = "Front desk", deviceType = "kiosk", tags = new[] { "lobby" } });
        await using var agentA = Agents.Start(machineA, "PC-ALPHA-07");
        await using var agentB = Agents.Start(machineB, "PC-BRAVO-12");

        await page.NavigateAsync("Machines");
        var rows = page.GetByTestId("machine-row");
        try
        {
            await Expect(rows).ToHaveCountAsync(2, new() { Timeout = 60_000 });
            await Expect(rows.Filter(new() { HasText = "online" })).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        }
        catch (PlaywrightException)
        {
            throw new ShouldAssertException($"Agents did not show up online.\nA:\n{agentA.Output}\nB:\n{agentB.Output}");
        }

        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Companies and sites" })).ToContainTextAsync("Acme");
        await page.ScreenshotAsync("machines-list");

        // Search by hostname, then by the site: field.
        var search = page.GetByTestId("machine-search");
        await search.FillAsync("bravo");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("PC-BRAVO-12");
        await search.FillAsync("sit");
        await Expect(page.GetByRole(AriaRole.Listbox, new() { Name = "Search fields" })).ToContainTextAsync("site:");
        await search.FillAsync("site:acme-phx");
        await Expect(rows).ToHaveCountAsync(2);
        await search.FillAsync("site:no-such-site");
        await Expect(page.GetByTestId("empty-state")).ToContainTextAsync("No machine matches");
        await search.FillAsync("");
        await Expect(rows).ToHaveCountAsync(2);

        // Remove one (bulk select + remove).
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select PC-ALPHA-07" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove selected (1)" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("PC-BRAVO-12");
        await Expect(page.GetByTestId("machine-count")).ToHaveTextAsync("1 machine");

        // Ctrl+K jumps to a machine by name; its detail page shows the inventory and the Connect button.
        await page.Keyboard.PressAsync("Control+k");
        await page.GetByLabel("Machine name").FillAsync("BRAVO");
        await Expect(page.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "PC-BRAVO-12" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Front desk")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Connect" })).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await page.ScreenshotAsync("machine-detail");

        // The viewer opens for the online agent (screen streaming itself is the agent's part).
        var sessions = await admin.GetFromJsonAsync<JsonElement[]>("/api/sessions", TestContext.Current.CancellationToken);
        var sessionId = sessions!.Single(s => s.GetProperty("agentOnline").GetBoolean()).GetProperty("id").GetGuid();
        var viewer = await page.Context.NewPageAsync();
        await viewer.GotoAsync($"/connect/{sessionId}");
        await Expect(viewer.GetByTestId("viewer-state")).ToContainTextAsync(new Regex("Connected|Waiting"), new() { Timeout = 30_000 });
        await Expect(viewer.GetByTestId("control-state")).ToContainTextAsync("You have control", new() { Timeout = 15_000 });
        await viewer.ScreenshotAsync(new() { Path = Path.Combine(Repository.Output, "viewer.png") });
        var events = await admin.GetFromJsonAsync<JsonElement>("/api/events?type=viewer_joined", TestContext.Current.CancellationToken);
        events.GetProperty("total").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task A_support_code_is_created_shown_large_listed_and_cancelled()
    {
        await using var server = await ConsoleServer.StartAsync();
        var page = await chromium.NewPageAsync(server.BaseAddress);
        await page.LogInAsync();
        await page.NavigateAsync("Support codes");
        await Expect(page.GetByText("No live codes.")).ToBeVisibleAsync();
        await Expect(page.GetByText("No support session is live.")).ToBeVisibleAsync();

        await page.GetByLabel("Note").FillAsync("Caller: Dana");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create code" }).ClickAsync();
        await Expect(page.GetByTestId("support-code")).ToHaveTextAsync(new Regex(@"^\d{3} \d{3}$"));
        var code = (await page.GetByTestId("support-code").TextContentAsync())!.Replace(" ", "", StringComparison.Ordinal);
        var row = page.GetByTestId("code-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(code);
        await Expect(row).ToContainTextAsync("Caller: Dana");
        await page.ScreenshotAsync("support-code");

        await row.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("support-code")).ToHaveCountAsync(0);
        using var response = await server.Client.GetAsync($"/api/codes/{code}/validate", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // A second code, used by a support agent (protocol-level): the live session shows up with its code and Connect.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create code" }).ClickAsync();
        await Expect(page.GetByTestId("support-code")).ToHaveTextAsync(new Regex(@"^\d{3} \d{3}$"));
        var used = (await page.GetByTestId("support-code").TextContentAsync())!.Replace(" ", "", StringComparison.Ordinal);
        await using var supportAgent = await FakeAgent.ConnectSupportAsync(server, used);
        var live = page.GetByTestId("support-session");
        await Expect(live).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(live).ToContainTextAsync(used);
        await Expect(live.GetByRole(AriaRole.Button, new() { Name = "Connect" })).ToBeEnabledAsync();
    }

    private static async Task CreateSiteAsync(IPage page, string code, string name, string company)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "New site" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Site code").FillAsync(code);
        await dialog.GetByLabel("Display name").FillAsync(name);
        await dialog.GetByLabel("Company").FillAsync(company);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create site" }).ClickAsync();
    }
}
