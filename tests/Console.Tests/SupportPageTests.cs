using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GuruConnect.Console.Tests;

/// <summary>
/// The end user's public <c>/support</c> page in Debian's Chromium (docs/installers.md "Downloads"): a live
/// code gives the download for the visitor's OS (from the browser's User-Agent) with its one-line
/// instruction, and the file is byte for byte the signed agent the server serves; wrong codes say so, then
/// show the lockout. Served from the single-file agents of artifacts/test-downloads (scripts/test.sh),
/// the Windows one signed here with a throwaway certificate.
/// </summary>
public sealed class SupportPageTests(Chromium chromium) : IClassFixture<Chromium>
{
    private const string WindowsUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
    private const string LinuxUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

    [Theory]
    [InlineData(WindowsUserAgent, "Windows", "GuruConnect-{0}.exe", "open GuruConnect-{0}.exe")]
    [InlineData(LinuxUserAgent, "Linux", "guruconnect-support-{0}", "run: chmod +x ~/Downloads/guruconnect-support-{0} && ~/Downloads/guruconnect-support-{0}")]
    public async Task A_live_code_gives_the_signed_agent_for_the_visitors_os_with_one_instruction(string userAgent, string os, string fileName, string instruction)
    {
        using var downloads = await SignedDownloads.CreateAsync();
        await using var server = await ConsoleServer.StartAsync($"--Releases:Directory={downloads.Root}");
        var code = await CreateCodeAsync(server);
        var page = await NewPageAsync(server.BaseAddress, userAgent);

        await page.GotoAsync("/support");
        await page.GetByLabel("Support code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Code accepted.");
        var link = page.GetByRole(AriaRole.Link, new() { Name = $"Download for {os}" });
        await Expect(link).ToBeVisibleAsync();
        var expectedName = string.Format(System.Globalization.CultureInfo.InvariantCulture, fileName, code);
        var said = await page.Locator("#instruction").TextContentAsync();
        said.ShouldNotBeNull();
        said.ShouldContain(string.Format(System.Globalization.CultureInfo.InvariantCulture, instruction, code));
        said.ShouldNotContain("\n"); // one line
        await page.ScreenshotAsync("support-" + os.ToLowerInvariant());

        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        download.SuggestedFilename.ShouldBe(expectedName);
        var saved = Path.Combine(downloads.Root, "..", Path.GetFileName(downloads.Root) + "-" + expectedName);
        try
        {
            await download.SaveAsAsync(saved);
            var served = os == "Windows" ? downloads.SignedWindowsAgent : downloads.LinuxAgent;
            (await File.ReadAllBytesAsync(saved)).ShouldBe(await File.ReadAllBytesAsync(served));
            if (os == "Windows")
            {
                await SignedDownloads.RunAsync("osslsigncode", "verify", "-in", saved, "-CAfile", downloads.Certificate); // the rename kept the signature
            }
        }
        finally
        {
            File.Delete(saved);
        }
    }

    [Fact]
    public async Task Wrong_codes_say_the_code_is_not_valid_and_then_show_the_lockout()
    {
        using var downloads = await SignedDownloads.CreateAsync();
        await using var server = await ConsoleServer.StartAsync($"--Releases:Directory={downloads.Root}", "--SupportCodes:FailuresBeforeLockout=3");
        var code = await CreateCodeAsync(server);
        var wrong = code == "000000" ? "000001" : "000000";
        var page = await NewPageAsync(server.BaseAddress, LinuxUserAgent);
        await page.GotoAsync("/support");
        var input = page.GetByLabel("Support code");
        var status = page.GetByRole(AriaRole.Status);
        var submit = page.GetByRole(AriaRole.Button, new() { Name = "Continue" });

        await input.FillAsync("12ab");
        await submit.ClickAsync();
        await Expect(status).ToHaveTextAsync("A support code is 6 digits, for example 123456.");

        for (var attempt = 0; attempt < 3; attempt++)
        {
            await input.FillAsync(wrong);
            await submit.ClickAsync();
            await Expect(status).ToContainTextAsync("That code is not valid.");
            await Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Download for") })).ToBeHiddenAsync();
        }

        // Locked: now even the right code is refused from this address, and the page says for how long.
        await input.FillAsync(code);
        await submit.ClickAsync();
        await Expect(status).ToHaveTextAsync(new Regex(@"^Too many wrong codes from this network\. Try again in 1[45] minutes, or ask your technician to read the code again\.$"));
        await Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Download for") })).ToBeHiddenAsync();
        await page.ScreenshotAsync("support-locked");
    }

    private static async Task<string> CreateCodeAsync(GuruServer server)
    {
        using var tech = await server.UserClientAsync("tech1", "technician");
        using var created = await tech.PostAsJsonAsync("/api/codes", new { });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    /// <summary>A page as a visitor's browser with this User-Agent sees it (Chromium's own is Linux).</summary>
    private async Task<IPage> NewPageAsync(Uri baseAddress, string userAgent)
    {
        await chromium.NewPageAsync(baseAddress); // skips or fails with the reason when Chromium is missing
        var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            UserAgent = userAgent,
            AcceptDownloads = true,
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// A downloads folder with the real agents: the Linux one as published, the Windows one Authenticode-signed with a
    /// throwaway self-signed certificate (docs/installers.md "Signing in this repository").
    /// </summary>
    private sealed class SignedDownloads : IDisposable
    {
        private SignedDownloads(string root) => Root = root;

        public string Root { get; }

        public string SignedWindowsAgent => Path.Combine(Root, "win-x64", "guruconnect-agent.exe");

        public string LinuxAgent => Path.Combine(Root, "linux-x64", "guruconnect-agent");

        public string Certificate => Path.Combine(Root, "cert.pem");

        public static async Task<SignedDownloads> CreateAsync()
        {
            var published = Path.Combine(Repository.Root, "artifacts", "test-downloads");
            if (!File.Exists(Path.Combine(published, "linux-x64", "guruconnect-agent")) || !File.Exists(Path.Combine(published, "win-x64", "guruconnect-agent.exe")))
            {
                Assert.Skip($"The single-file agent builds are missing from {published}: scripts/test.sh publishes them (packaging/prepare-downloads.sh).");
            }

            foreach (var tool in new[] { "openssl", "osslsigncode" })
            {
                if (!(Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, tool))))
                {
                    Assert.Skip($"{tool} is not installed (scripts/test.sh installs osslsigncode).");
                }
            }

            var downloads = new SignedDownloads(Directory.CreateTempSubdirectory("gc-support-page-").FullName);
            Directory.CreateDirectory(Path.Combine(downloads.Root, "win-x64"));
            Directory.CreateDirectory(Path.Combine(downloads.Root, "linux-x64"));
            File.Copy(Path.Combine(published, "linux-x64", "guruconnect-agent"), downloads.LinuxAgent);
            var key = Path.Combine(downloads.Root, "key.pem");
            var cert = downloads.Certificate;
            await RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-sha256", "-days", "2", "-nodes", "-keyout", key, "-out", cert,
                "-subj", "/CN=GuruConnect Test Signing", "-addext", "extendedKeyUsage=codeSigning", "-addext", "keyUsage=digitalSignature");
            await RunAsync("osslsigncode", "sign", "-certs", cert, "-key", key, "-n", "GuruConnect Agent", "-h", "sha256",
                "-in", Path.Combine(published, "win-x64", "guruconnect-agent.exe"), "-out", downloads.SignedWindowsAgent);
            File.Delete(key);
            return downloads;
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);

        public static async Task RunAsync(string tool, params string[] arguments)
        {
            var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.ExitCode.ShouldBe(0, $"{tool}: {await stdout}{await stderr}");
        }
    }
}
