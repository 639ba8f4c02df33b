using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GuruConnect.Console.Tests;

/// <summary>
/// The console's routes never take a path the server serves itself (docs/console.md "Build and serve"): the
/// technician's support codes page is <c>/codes</c>, while <c>/support</c> stays the end user's public page.
/// </summary>
public sealed class RouteTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact]
    public async Task A_technician_gets_the_support_codes_page_at_codes_while_support_stays_the_public_page()
    {
        await using var server = await ConsoleServer.StartAsync();
        (await server.UserClientAsync("tech1", "technician")).Dispose();
        var page = await chromium.NewPageAsync(server.BaseAddress);

        // A deep link to /codes survives the sign-in.
        await page.GotoAsync("/codes");
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?next=%2Fcodes$"));
        await page.GetByLabel("Username").FillAsync("tech1");
        await page.GetByLabel("Password").FillAsync("user-password-for-tests");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/codes$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Support codes", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create code" })).ToBeVisibleAsync();
        var menu = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Support codes" })).ToHaveAttributeAsync("href", "/codes");

        // Loaded afresh (not through the console's router), /codes is still the console: the server's fallback serves it.
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create code" })).ToBeVisibleAsync();

        // The machines list's empty state links there too.
        await page.NavigateAsync("Machines");
        await page.GetByTestId("empty-state").GetByRole(AriaRole.Link, new() { Name = "support code" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/codes$"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create code" })).ToBeVisibleAsync();

        // Signed in or not, /support is the server's public page, not the console's fallback.
        foreach (var path in new[] { "/support", "/support/" })
        {
            var response = await page.GotoAsync(path);
            response.ShouldNotBeNull();
            response.Status.ShouldBe(200, path);
            await Expect(page).ToHaveTitleAsync("GuruConnect support");
            await Expect(page.GetByLabel("Support code")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Continue" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToHaveCountAsync(0);
        }

        using var script = await server.Client.GetAsync("/support.js", TestContext.Current.CancellationToken);
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        script.Content.Headers.ContentType?.MediaType.ShouldBe("text/javascript");
    }
}
