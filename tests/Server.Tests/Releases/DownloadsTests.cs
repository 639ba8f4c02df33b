using System.Net.Http.Headers;
using GuruConnect.Protocol;
using GuruConnect.Server.Tests.SupportCodes;

namespace GuruConnect.Server.Tests.Releases;

/// <summary>docs/installers.md "Downloads": the agent is served byte for byte, with its hash, ranges and ETags.</summary>
public sealed class DownloadsTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_plain_agent_is_served_unchanged_with_its_sha256_and_honours_range_and_etag(DbKind db)
    {
        using var folder = new DownloadsFolder();
        await using var server = await GuruServer.StartAsync(db, folder.Settings());

        using var full = await server.Client.GetAsync("/download/agent/linux-x64");
        full.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await full.Content.ReadAsByteArrayAsync()).ShouldBe(folder.Linux);
        full.Headers.GetValues("X-Content-SHA256").Single().ShouldBe(DownloadsFolder.Sha256(folder.Linux));
        full.Content.Headers.ContentDisposition!.FileName.ShouldBe("guruconnect-agent");
        var etag = full.Headers.ETag!;
        etag.Tag.ShouldBe($"\"{DownloadsFolder.Sha256(folder.Linux)}\"");

        using var windows = await server.Client.GetAsync("/download/agent/win-x64");
        (await windows.Content.ReadAsByteArrayAsync()).ShouldBe(folder.Windows);
        windows.Content.Headers.ContentDisposition!.FileName.ShouldBe("guruconnect-agent.exe");

        using var rangeRequest = new HttpRequestMessage(HttpMethod.Get, "/download/agent/linux-x64");
        rangeRequest.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var partial = await server.Client.SendAsync(rangeRequest);
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await partial.Content.ReadAsByteArrayAsync()).ShouldBe(folder.Linux[1000..2000]);
        partial.Headers.GetValues("X-Content-SHA256").Single().ShouldBe(DownloadsFolder.Sha256(folder.Linux));

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/download/agent/linux-x64");
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await server.Client.SendAsync(conditional);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);

        using var unknown = await server.Client.GetAsync("/download/agent/macos-arm64");
        await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound, "UNKNOWN_PLATFORM");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_missing_build_is_a_clear_404_that_names_the_fix(DbKind db)
    {
        using var folder = new DownloadsFolder();
        File.Delete(Path.Combine(folder.Root, "win-x64", "guruconnect-agent.exe"));
        await using var server = await GuruServer.StartAsync(db, folder.Settings());

        using var response = await server.Client.GetAsync("/download/agent/win-x64");
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "AGENT_NOT_PUBLISHED");
        problem.GetProperty("detail").GetString()!.ShouldContain("scripts/package.sh");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_live_code_downloads_the_same_bytes_under_the_name_the_agent_reads_its_code_from(DbKind db)
    {
        using var folder = new DownloadsFolder();
        await using var server = await GuruServer.StartAsync(db, folder.Settings());
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();

        using var windowsRequest = new HttpRequestMessage(HttpMethod.Get, $"/download/support/{code}");
        windowsRequest.Headers.UserAgent.ParseAdd("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36");
        using var windows = await server.Client.SendAsync(windowsRequest);
        windows.StatusCode.ShouldBe(HttpStatusCode.OK);
        windows.Content.Headers.ContentDisposition!.FileName.ShouldBe($"GuruConnect-{code}.exe");
        (await windows.Content.ReadAsByteArrayAsync()).ShouldBe(folder.Windows);
        windows.Headers.GetValues("X-Content-SHA256").Single().ShouldBe(DownloadsFolder.Sha256(folder.Windows));

        using var linux = await server.Client.GetAsync($"/download/support/{code}");
        linux.Content.Headers.ContentDisposition!.FileName.ShouldBe($"guruconnect-support-{code}");
        (await linux.Content.ReadAsByteArrayAsync()).ShouldBe(folder.Linux);

        using var chosen = await server.Client.GetAsync($"/download/support/{code}?platform=win-x64");
        chosen.Content.Headers.ContentDisposition!.FileName.ShouldBe($"GuruConnect-{code}.exe");

        // Downloading does not use the code up: the agent does, when it connects.
        (await server.Client.ValidateAsync(code)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_invalid_code_is_404_and_counts_toward_the_same_lockout_as_validate(DbKind db)
    {
        using var folder = new DownloadsFolder();
        await using var server = await GuruServer.StartAsync(db, folder.Settings());
        using var tech = await server.UserClientAsync("tech1", "technician");
        var live = await tech.CreateCodeAsync();
        var wrong = SupportCodeClient.WrongCode(live);

        for (var i = 0; i < 5; i++)
        {
            using var miss = await server.Client.GetAsync($"/download/support/{wrong}");
            await miss.ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
        }

        using var malformed = await server.Client.GetAsync("/download/support/12ab45");
        await malformed.ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
        for (var i = 0; i < 4; i++)
        {
            using var miss = await server.Client.ValidateAsync(wrong);
            miss.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        // Ten failures across both routes: the IP is locked out of both, even for the live code.
        using var lockedDownload = await server.Client.GetAsync($"/download/support/{live}");
        await lockedDownload.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        using var lockedValidate = await server.Client.ValidateAsync(live);
        lockedValidate.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        server.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        using var after = await server.Client.GetAsync($"/download/support/{live}");
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Version_reports_the_build_with_a_signature_the_release_key_verifies(DbKind db)
    {
        using var folder = new DownloadsFolder();
        await using var server = await GuruServer.StartAsync(db, folder.Settings());

        var version = await server.Client.GetFromJsonAsync<JsonElement>("/api/version?platform=windows-x64&channel=stable");
        var sha = DownloadsFolder.Sha256(folder.Windows);
        version.GetProperty("sha256").GetString().ShouldBe(sha);
        version.GetProperty("platform").GetString().ShouldBe("win-x64");
        version.GetProperty("channel").GetString().ShouldBe("stable");
        version.GetProperty("downloadUrl").GetString().ShouldBe(new Uri(server.BaseAddress, "/download/agent/win-x64").ToString());
        var number = version.GetProperty("version").GetString()!;
        number.ShouldMatch(@"^\d+\.\d+\.\d+");
        ReleaseSignature.Verify(folder.PublicKey, number, "win-x64", sha, version.GetProperty("signature").GetString()).ShouldBeTrue();
        // The signature binds platform and hash: it is no good for the other build.
        ReleaseSignature.Verify(folder.PublicKey, number, "linux-x64", sha, version.GetProperty("signature").GetString()).ShouldBeFalse();

        using var unknownChannel = await server.Client.GetAsync("/api/version?platform=linux-x64&channel=nightly");
        await unknownChannel.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_release_json_signature_is_served_only_for_the_bytes_it_signed(DbKind db)
    {
        using var folder = new DownloadsFolder();
        using var offlineKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        folder.WriteManifest("9.8.7", codeSigned: true, offlineKey);
        await using var server = await GuruServer.StartAsync(db, $"--Releases:Directory={folder.Root}");
        using var admin = await server.AdminClientAsync();

        var version = await server.Client.GetFromJsonAsync<JsonElement>("/api/version?platform=linux-x64");
        version.GetProperty("version").GetString().ShouldBe("9.8.7");
        ReleaseSignature.Verify(offlineKey.ExportSubjectPublicKeyInfo(), "9.8.7", "linux-x64", DownloadsFolder.Sha256(folder.Linux),
            version.GetProperty("signature").GetString()).ShouldBeTrue();
        var releases = await admin.GetFromJsonAsync<JsonElement[]>("/api/releases");
        releases!.Single(r => r.GetProperty("platform").GetString() == "win-x64").GetProperty("codeSigned").GetBoolean().ShouldBeTrue();

        // The build is replaced in place without a new manifest: its old signature is not passed off for it.
        File.WriteAllBytes(Path.Combine(folder.Root, "linux-x64", "guruconnect-agent"), [1, 2, 3]);
        File.SetLastWriteTimeUtc(Path.Combine(folder.Root, "linux-x64", "guruconnect-agent"), File.GetLastWriteTimeUtc(Path.Combine(folder.Root, "win-x64", "guruconnect-agent.exe")).AddMinutes(1));
        var replaced = await server.Client.GetFromJsonAsync<JsonElement>("/api/version?platform=linux-x64");
        replaced.GetProperty("sha256").GetString().ShouldBe(DownloadsFolder.Sha256([1, 2, 3]));
        replaced.GetProperty("signature").ValueKind.ShouldBe(JsonValueKind.Null);
        (await server.Client.GetAsync("/api/releases")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_changelog_is_served_by_section(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);

        var entries = await server.Client.GetFromJsonAsync<JsonElement[]>("/api/changelog");
        var unreleased = entries!.First();
        unreleased.GetProperty("version").GetString().ShouldBe("Unreleased");
        unreleased.GetProperty("changes").GetProperty("Features").GetArrayLength().ShouldBeGreaterThan(0);
        var one = await server.Client.GetFromJsonAsync<JsonElement>("/api/changelog/unreleased");
        one.GetProperty("markdown").GetString()!.ShouldContain("### Features");
        using var missing = await server.Client.GetAsync("/api/changelog/99.0.0");
        await missing.ShouldBeProblemAsync(HttpStatusCode.NotFound, "VERSION_NOT_FOUND");
    }
}
