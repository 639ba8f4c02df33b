using Microsoft.Playwright;

namespace GuruConnect.Console.Tests;

/// <summary>The real server on a fresh SQLite database, its clock set to now so tokens the browser sees are current.</summary>
internal static class ConsoleServer
{
    public static async Task<GuruServer> StartAsync(params string[] settings)
    {
        var server = await GuruServer.StartAsync(DbKind.Sqlite, settings);
        server.Clock.Advance(TimeProvider.System.GetUtcNow() - server.Clock.GetUtcNow());
        return server;
    }

    public static async Task LogInAsync(this IPage page, string password = GuruServer.AdminPassword)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("Username").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Follows a link of the console's main menu.</summary>
    public static Task NavigateAsync(this IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();

    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Repository.Output, name + ".png") });
}
