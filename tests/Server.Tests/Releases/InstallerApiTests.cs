using System.Diagnostics;
using System.Text;

namespace GuruConnect.Server.Tests.Releases;

/// <summary>docs/installers.md "Per-site installers": who may build, with which key, what goes in, links, audit.</summary>
public sealed class InstallerApiTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_sh_installer_carries_the_site_config_and_the_unchanged_agent(DbKind db)
    {
        using var folder = new DownloadsFolder();
        await using var server = await GuruServer.StartAsync(db, folder.Settings());
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");

        using var response = await admin.PostAsJsonAsync($"/api/sites/{site.Id}/installer", new
        {
            format = "sh",
            enrollmentKey = site.Key,
            labels = new { company = "Acme", department = "Front desk", deviceType = "kiosk", tags = new[] { "lobby", "lobby", " " } },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var fingerprint = GuruConnect.Protocol.KeyFingerprint.Of(site.Key);
        response.Content.Headers.ContentDisposition!.FileName.ShouldBe($"GuruConnect-ACME-PHX-v1-{fingerprint}.sh");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var bytes = await response.Content.ReadAsByteArrayAsync();
        response.Headers.GetValues("X-Content-SHA256").Single().ShouldBe(DownloadsFolder.Sha256(bytes));

        var marker = "__GURUCONNECT_AGENT__\n"u8.ToArray();
        var split = bytes.AsSpan().IndexOf(marker) + marker.Length;
        bytes[split..].ShouldBe(folder.Linux);
        var script = Encoding.UTF8.GetString(bytes, 0, split);
        var json = script[(script.IndexOf("<<'GURUCONNECT_CONFIG'\n", StringComparison.Ordinal) + 23)..script.IndexOf("\nGURUCONNECT_CONFIG\n", StringComparison.Ordinal)];
        var config = JsonSerializer.Deserialize<JsonElement>(json);
        config.GetProperty("server").GetString().ShouldBe(server.BaseAddress.ToString().TrimEnd('/'));
        config.GetProperty("siteCode").GetString().ShouldBe("ACME-PHX");
        config.GetProperty("enrollmentKey").GetString().ShouldBe(site.Key);
        config.GetProperty("keyFingerprint").GetString().ShouldBe($"v1 ({fingerprint})");
        var labels = config.GetProperty("labels");
        labels.GetProperty("company").GetString().ShouldBe("Acme");
        labels.GetProperty("site").GetString().ShouldBe("ACME-PHX office"); // the site's display name by default
        labels.GetProperty("department").GetString().ShouldBe("Front desk");
        labels.GetProperty("deviceType").GetString().ShouldBe("kiosk");
        labels.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["lobby"]);
        script.ShouldContain($"PAYLOAD_SHA256={DownloadsFolder.Sha256(folder.Linux)}");

        // Audited with the fingerprint, never the key.
        var events = await admin.GetFromJsonAsync<JsonElement>("/api/events?type=installer_built");
        var built = events.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        built.GetProperty("details").GetProperty("fingerprint").GetString().ShouldBe($"v1 ({fingerprint})");
        built.GetRawText().ShouldNotContain(site.Key);
        server.Logs.Text.ShouldNotContain(site.Key);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Only_admins_build_and_only_with_the_sites_current_key(DbKind db)
    {
        using var folder = new DownloadsFolder();
        await using var server = await GuruServer.StartAsync(db, folder.Settings());
        using var admin = await server.AdminClientAsync();
        using var tech = await server.UserClientAsync("tech1", "technician");
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var url = $"/api/sites/{site.Id}/installer";

        (await server.Client.PostAsJsonAsync(url, new { format = "sh", enrollmentKey = site.Key })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await tech.PostAsJsonAsync(url, new { format = "sh", enrollmentKey = site.Key })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var wrongKey = await admin.PostAsJsonAsync(url, new { format = "sh", enrollmentKey = "cek_" + new string('0', 64) });
        var problem = await wrongKey.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "ENROLLMENT_KEY_MISMATCH");
        problem.GetProperty("detail").GetString()!.ShouldContain("rotate");
        await (await admin.PostAsJsonAsync(url, new { format = "sh" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await (await admin.PostAsJsonAsync(url, new { format = "sh", enrollmentKey = site.Key, rotate = true })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await (await admin.PostAsJsonAsync(url, new { format = "exe\n", enrollmentKey = site.Key })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await (await admin.PostAsJsonAsync(url, new { format = "sh", enrollmentKey = site.Key, labels = new { tags = Enumerable.Repeat("t", 33) } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await (await admin.PostAsJsonAsync($"/api/sites/{Guid.NewGuid()}/installer", new { format = "sh", enrollmentKey = site.Key }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "SITE_NOT_FOUND");

        // Rotate and build in one step: the installer holds the new key, the old key no longer builds.
        using var rotated = await admin.PostAsJsonAsync(url, new { format = "sh", rotate = true });
        rotated.StatusCode.ShouldBe(HttpStatusCode.OK);
        rotated.Headers.GetValues("X-Enrollment-Key-Fingerprint").Single().ShouldStartWith("v2 (");
        rotated.Content.Headers.ContentDisposition!.FileName!.ShouldStartWith("GuruConnect-ACME-PHX-v2-");
        await (await admin.PostAsJsonAsync(url, new { format = "sh", enrollmentKey = site.Key })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "ENROLLMENT_KEY_MISMATCH");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_windows_installer_is_refused_without_a_signing_certificate_and_says_why(DbKind db)
    {
        using var folder = new DownloadsFolder();
        await using var server = await GuruServer.StartAsync(db, folder.Settings());
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");

        using var response = await admin.PostAsJsonAsync($"/api/sites/{site.Id}/installer", new { format = "msi", enrollmentKey = site.Key });
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "SIGNING_NOT_CONFIGURED");
        problem.GetProperty("detail").GetString()!.ShouldContain("Installers:SigningCertificate");
        problem.GetProperty("detail").GetString()!.ShouldContain("AllowUnsignedForTesting");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_installer_link_works_without_a_login_until_it_expires_or_the_key_rotates(DbKind db)
    {
        using var folder = new DownloadsFolder();
        await using var server = await GuruServer.StartAsync(db, folder.Settings("--Installers:LinkLifetime=01:00:00"));
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");

        var link = await CreateLinkAsync(admin, site, "sh");
        link.GetProperty("expiresAt").GetDateTimeOffset().ShouldBe(server.Clock.GetUtcNow().AddHours(1), TimeSpan.FromSeconds(1));
        link.GetProperty("fileName").GetString().ShouldBe($"GuruConnect-ACME-PHX-v1-{GuruConnect.Protocol.KeyFingerprint.Of(site.Key)}.sh");
        var url = new Uri(link.GetProperty("url").GetString()!);
        using (var download = await server.Client.GetAsync(url))
        {
            download.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await download.Content.ReadAsStringAsync()).ShouldContain(site.Key);
        }

        server.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await (await server.Client.GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "INSTALLER_LINK_INVALID");

        var fresh = new Uri((await CreateLinkAsync(admin, site, "sh")).GetProperty("url").GetString()!);
        (await server.Client.GetAsync(fresh)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await admin.RotateKeyAsync(site.Id);
        await (await server.Client.GetAsync(fresh)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "INSTALLER_LINK_INVALID");

        // A forged or mangled token is the same 404.
        var token = fresh.Segments[^1];
        await (await server.Client.GetAsync($"/download/installer/{token[..^4]}AAAA")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "INSTALLER_LINK_INVALID");
        await (await server.Client.GetAsync("/download/installer/not-a-token")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "INSTALLER_LINK_INVALID");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Bad_installer_links_are_counted_per_ip_and_lock_it_out(DbKind db)
    {
        using var folder = new DownloadsFolder();
        await using var server = await GuruServer.StartAsync(db, folder.Settings("--Installers:LinkFailuresBeforeLockout=3", "--Installers:LinkDownloadsPerMinute=100"));
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var good = new Uri((await CreateLinkAsync(admin, site, "sh")).GetProperty("url").GetString()!);

        for (var i = 0; i < 3; i++)
        {
            (await server.Client.GetAsync($"/download/installer/guess{i}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        await (await server.Client.GetAsync(good)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        server.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        (await server.Client.GetAsync(good)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_deb_lays_out_agent_config_and_unit_and_lintian_finds_no_error(DbKind db)
    {
        if (!ToolExists("dpkg-deb"))
        {
            Assert.Skip("dpkg-deb is not installed (Debian package dpkg).");
        }

        using var folder = new DownloadsFolder();
        await using var server = await GuruServer.StartAsync(db, folder.Settings());
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        using var response = await admin.PostAsJsonAsync($"/api/sites/{site.Id}/installer", new { format = "deb", enrollmentKey = site.Key });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var work = Directory.CreateTempSubdirectory("gc-deb-").FullName;
        try
        {
            var deb = Path.Combine(work, response.Content.Headers.ContentDisposition!.FileName!);
            deb.ShouldEndWith($"GuruConnect-ACME-PHX-v1-{GuruConnect.Protocol.KeyFingerprint.Of(site.Key)}.deb");
            await File.WriteAllBytesAsync(deb, await response.Content.ReadAsByteArrayAsync());

            var listing = await RunAsync("dpkg-deb", "-c", deb);
            listing.ShouldMatch(@"-rwxr-xr-x root/root\s+\d+ .* \./opt/guruconnect/guruconnect-agent");
            listing.ShouldMatch(@"-rw------- root/root\s+\d+ .* \./etc/guruconnect/agent\.json");
            listing.ShouldMatch(@"-rw-r--r-- root/root\s+\d+ .* \./lib/systemd/system/guruconnect-agent\.service");
            (await RunAsync("dpkg-deb", "-f", deb, "Package")).Trim().ShouldBe("guruconnect-agent");

            var root = Path.Combine(work, "root");
            await RunAsync("dpkg-deb", "-x", deb, root);
            (await File.ReadAllBytesAsync(Path.Combine(root, "opt/guruconnect/guruconnect-agent"))).ShouldBe(folder.Linux);
            File.GetUnixFileMode(Path.Combine(root, "etc/guruconnect/agent.json")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var config = JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(Path.Combine(root, "etc/guruconnect/agent.json")));
            config.GetProperty("enrollmentKey").GetString().ShouldBe(site.Key);
            (await File.ReadAllTextAsync(Path.Combine(root, "lib/systemd/system/guruconnect-agent.service"))).ShouldContain("ExecStart=/opt/guruconnect/guruconnect-agent run");

            var control = Path.Combine(work, "control");
            await RunAsync("dpkg-deb", "-e", deb, control);
            (await File.ReadAllTextAsync(Path.Combine(control, "postrm"))).ShouldContain("purge");
            (await File.ReadAllTextAsync(Path.Combine(control, "postinst"))).ShouldContain("deb-systemd-helper enable");

            if (!ToolExists("lintian"))
            {
                Assert.Skip("lintian is not installed (Debian package lintian); the layout checks above passed.");
            }

            var lintian = await RunAsync("lintian", ["--no-tag-display-limit", deb], allowFailure: true);
            lintian.Split('\n').Where(l => l.StartsWith("E:", StringComparison.Ordinal)).ShouldBeEmpty(lintian);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    internal static async Task<JsonElement> CreateLinkAsync(HttpClient admin, Fleet.Site site, string format)
    {
        using var response = await admin.PostAsJsonAsync($"/api/sites/{site.Id}/installer", new { format, enrollmentKey = site.Key, link = true });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    internal static bool ToolExists(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    internal static Task<string> RunAsync(string tool, params string[] arguments) => RunAsync(tool, arguments, allowFailure: false);

    internal static async Task<string> RunAsync(string tool, string[] arguments, bool allowFailure)
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
        var output = await stdout + await stderr;
        if (!allowFailure)
        {
            process.ExitCode.ShouldBe(0, $"{tool} {string.Join(' ', arguments)}:\n{output}");
        }

        return output;
    }
}
