using GuruConnect.Protocol.V1;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GuruConnect.Console.Tests;

/// <summary>
/// "Usable at 1280×720" (docs/console.md "Layout"): on the smallest supported window every toolbar control of the
/// console's main pages and of the viewer lies inside the viewport and is the element a click at its centre hits (not
/// clipped by a scrolling bar, not covered), without scrolling.
/// </summary>
public sealed class ViewportTests(Chromium chromium) : IClassFixture<Chromium>
{
    private const int Width = 1280;
    private const int Height = 720;

    /// <summary>Where the controls are: the top bar, page heads, page toolbars, row actions, the viewer's toolbar and chat.</summary>
    private const string Controls =
        ":is(header.topbar, [role=toolbar], .toolbar, .page-head, .row-actions, .tr, .chat) :is(a[href], button, select, input):visible";

    [Fact]
    public async Task Every_toolbar_control_of_the_machines_list_sites_and_viewer_is_inside_1280x720_and_clickable()
    {
        await using var server = await ConsoleServer.StartAsync();
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHOENIX-DOWNTOWN");
        var (machineId, key) = await server.EnrollAsync(site, "uid-viewport", "ACCOUNTING-WORKSTATION-17");
        await using var agent = await FakeAgent.ConnectAsync(server, key, "uid-viewport", "ACCOUNTING-WORKSTATION-17");
        var sessions = await admin.GetFromJsonAsync<JsonElement[]>("/api/sessions", TestContext.Current.CancellationToken);
        var sessionId = sessions!.Single(s => s.GetProperty("machineId").GetGuid() == machineId).GetProperty("id").GetGuid();

        var page = await chromium.NewPageAsync(server.BaseAddress);
        await page.SetViewportSizeAsync(Width, Height);
        await page.LogInAsync(); // an admin: the longest main menu

        await Expect(page.GetByTestId("machine-row")).ToHaveCountAsync(1);
        await ShouldAllBeReachableAsync(page, "machines", "Sign out", "Support codes", "Remove selected (0)");

        await page.NavigateAsync("Sites");
        await Expect(page.GetByTestId("site-row")).ToHaveCountAsync(1);
        await ShouldAllBeReachableAsync(page, "sites", "Sign out", "New site", "Rotate key", "Build installer");

        await page.GotoAsync($"/connect/{sessionId}");
        await agent.ReceiveAsync(Envelope.PayloadOneofCase.ViewerJoined, TimeSpan.FromSeconds(30));
        await Expect(page.GetByTestId("control-state")).ToHaveTextAsync("You have control");
        await agent.SendAsync(new Envelope
        {
            DisplayList = new DisplayList
            {
                Displays =
                {
                    new DisplayInfo { Id = 1, Name = @"\\.\DISPLAY1", Width = 2560, Height = 1440, Primary = true, Scale = 1 },
                    new DisplayInfo { Id = 2, Name = @"\\.\DISPLAY2", Width = 1920, Height = 1080, Scale = 1 },
                },
            },
        });
        var toolbar = page.GetByRole(AriaRole.Toolbar, new() { Name = "Viewer" });
        await Expect(toolbar.GetByRole(AriaRole.Combobox, new() { Name = "Display" })).ToContainTextAsync("DISPLAY2");
        string[] viewer = ["Disconnect", "Release", "Full screen", "Stats", "Chat", "Send clipboard", "Ctrl+Alt+Del", "Fit", "1:1", "Display", "Quality"];
        await ShouldAllBeReachableAsync(page, "viewer", viewer);

        // With the chat panel and the stats open the bar still fits.
        await toolbar.GetByRole(AriaRole.Button, new() { Name = "Chat" }).ClickAsync();
        await toolbar.GetByRole(AriaRole.Button, new() { Name = "Stats" }).ClickAsync();
        await ShouldAllBeReachableAsync(page, "viewer-panels", [.. viewer, "Chat message", "Send"]);
        await page.ScreenshotAsync("viewer-1280x720");

        // Released, the bar says so and offers "Request control", a longer label.
        await toolbar.GetByRole(AriaRole.Button, new() { Name = "Release" }).ClickAsync();
        await Expect(toolbar.GetByRole(AriaRole.Button, new() { Name = "Request control" })).ToBeVisibleAsync();
        await ShouldAllBeReachableAsync(page, "viewer-released", [.. viewer.Where(n => n != "Release"), "Request control"]);

        await toolbar.GetByRole(AriaRole.Button, new() { Name = "Disconnect" }).ClickAsync();
        await Expect(page.GetByTestId("viewer-state")).ToContainTextAsync("You disconnected.");
    }

    /// <summary>
    /// Each control's bounding box lies inside the viewport and a click at its centre hits it; the named controls are
    /// among them (by accessible name or visible text), so the check cannot pass on an empty page.
    /// </summary>
    private static async Task ShouldAllBeReachableAsync(IPage page, string where, params string[] expected)
    {
        var controls = await page.Locator(Controls).AllAsync();
        var problems = new List<string>();
        var names = new List<string>();
        foreach (var control in controls)
        {
            var name = await control.EvaluateAsync<string>(
                "e => (e.getAttribute('aria-label') || e.innerText || e.getAttribute('title') || e.tagName).trim().replace(/\\s+/g, ' ')");
            names.Add(name);
            var box = await control.BoundingBoxAsync();
            if (box is null || box.Width <= 0 || box.Height <= 0)
            {
                problems.Add($"{name}: no box");
                continue;
            }

            if (box.X < 0 || box.Y < 0 || box.X + box.Width > Width + 0.5 || box.Y + box.Height > Height + 0.5)
            {
                problems.Add($"{name}: {box.X:0}+{box.Width:0} × {box.Y:0}+{box.Height:0} leaves the {Width}×{Height} viewport");
                continue;
            }

            // The element a click at the centre lands on must be this control (or inside it): not clipped, not covered.
            var hit = await control.EvaluateAsync<bool>(
                "e => { const r = e.getBoundingClientRect(); const h = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); return h !== null && (h === e || e.contains(h)); }");
            if (!hit)
            {
                problems.Add($"{name}: a click at its centre lands on something else (clipped or covered)");
            }
        }

        foreach (var name in expected)
        {
            if (!names.Any(n => n.StartsWith(name, StringComparison.Ordinal)))
            {
                problems.Add($"{name}: not found among [{string.Join(", ", names)}]");
            }
        }

        if (problems.Count > 0)
        {
            await page.ScreenshotAsync($"viewport-{where}-failed");
        }

        problems.ShouldBeEmpty($"{where} at {Width}×{Height}");
    }
}
