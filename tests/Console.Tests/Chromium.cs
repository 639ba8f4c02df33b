using Microsoft.Playwright;

namespace GuruConnect.Console.Tests;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium, which scripts/test.sh installs) driven by Playwright; a
/// downloaded browser is never used. Without it the browser tests are skipped with the reason,
/// or fail when <c>GURUCONNECT_REQUIRE_CHROMIUM=1</c> (CI).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public IBrowser? Browser { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Without the background-networking flags Chromium keeps dialling Google, which this network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh 1280×720 page on the server, or a skip/fail when Chromium is missing.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        if (Browser is null)
        {
            var reason = $"{ExecutablePath} is missing: install Debian's chromium (scripts/test.sh does).";
            if (Environment.GetEnvironmentVariable("GURUCONNECT_REQUIRE_CHROMIUM") == "1")
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }

        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
        });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
