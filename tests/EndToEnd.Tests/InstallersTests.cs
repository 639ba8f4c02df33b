using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// The per-site installers with the real single-file agents (artifacts/test-downloads, prepared by
/// scripts/test.sh): the MSI keeps the agent's Authenticode signature valid (docs/security.md #21), the sh
/// installer gives an enrolled, connected machine and is safe to run twice, and the support download is
/// the same bytes and starts a support session from its own name.
/// </summary>
[Collection(SharedWinePrefix.Name)]
public sealed class InstallersTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_site_msi_is_signed_and_lays_down_the_signed_agent_unchanged_with_the_site_config(DbKind db)
    {
        var downloads = Downloads.OrSkip();
        Tools.RequireOrSkip("wixl", "msiextract", "msiinfo", "osslsigncode", "openssl");
        using var work = new Scratch();
        var cert = await TestCertificate.CreateAsync(work.Path);
        var folder = work.Combine("downloads");
        Directory.CreateDirectory(Path.Combine(folder, "win-x64"));
        var signedAgent = Path.Combine(folder, "win-x64", "guruconnect-agent.exe");
        await Tools.RunAsync("osslsigncode", "sign", "-certs", cert.CertPem, "-key", cert.KeyPem, "-n", "GuruConnect Agent", "-h", "sha256",
            "-in", Path.Combine(downloads, "win-x64", "guruconnect-agent.exe"), "-out", signedAgent);
        var signedBytes = await File.ReadAllBytesAsync(signedAgent);

        await using var server = await GuruServer.StartAsync(db, $"--Releases:Directory={folder}",
            $"--Installers:SigningCertificate={cert.Pfx}", $"--Installers:SigningPassword={TestCertificate.Password}");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        using var response = await admin.PostAsJsonAsync($"/api/sites/{site.Id}/installer", new
        {
            format = "msi",
            enrollmentKey = site.Key,
            labels = new { department = "Front desk", deviceType = "workstation" },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var fingerprint = GuruConnect.Protocol.KeyFingerprint.Of(site.Key);
        var msi = work.Combine(response.Content.Headers.ContentDisposition!.FileName!);
        msi.ShouldEndWith($"GuruConnect-ACME-PHX-v1-{fingerprint}.msi");
        await File.WriteAllBytesAsync(msi, await response.Content.ReadAsByteArrayAsync());

        await Tools.RunAsync("osslsigncode", "verify", "-in", msi, "-CAfile", cert.CertPem);
        var extracted = work.Combine("extracted");
        Directory.CreateDirectory(extracted);
        await Tools.RunAsync("msiextract", "-C", extracted, msi);
        var laidDown = Directory.GetFiles(extracted, "guruconnect-agent.exe", SearchOption.AllDirectories).ShouldHaveSingleItem();
        await Tools.RunAsync("osslsigncode", "verify", "-in", laidDown, "-CAfile", cert.CertPem);
        Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(laidDown))).ShouldBe(Convert.ToHexString(SHA256.HashData(signedBytes)));

        var configPath = Directory.GetFiles(extracted, "agent.json", SearchOption.AllDirectories).ShouldHaveSingleItem();
        configPath.Replace('\\', '/').ShouldContain("GuruConnect/agent.json");
        var config = JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(configPath));
        config.GetProperty("server").GetString().ShouldBe(server.BaseAddress.ToString().TrimEnd('/'));
        config.GetProperty("siteCode").GetString().ShouldBe("ACME-PHX");
        config.GetProperty("enrollmentKey").GetString().ShouldBe(site.Key);
        config.GetProperty("keyFingerprint").GetString().ShouldBe($"v1 ({fingerprint})");
        config.GetProperty("labels").GetProperty("department").GetString().ShouldBe("Front desk");

        var service = await Tools.RunAsync("msiinfo", "export", msi, "ServiceInstall");
        service.ShouldContain("GuruConnectAgent");
        service.ShouldContain("LocalSystem");
        service.ShouldMatch(@"GuruConnectAgent\tGuruConnect Agent\t16\t2\t"); // own process, auto start
        (await Tools.RunAsync("msiinfo", "export", msi, "ServiceControl")).ShouldContain("GuruConnectAgent");
        (await Tools.RunAsync("msiinfo", "export", msi, "Upgrade")).ShouldContain("6B7D6C2E-3C55-4B7A-9E1F-2D8A1B0C4E11");
        var actions = await Tools.RunAsync("msiinfo", "export", msi, "CustomAction");
        actions.ShouldContain("failure GuruConnectAgent reset= 86400");
        actions.ShouldContain("failureflag GuruConnectAgent 1"); // the updater's exit 15 restarts the service
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Under_wine_the_agent_from_the_msi_enrolls_with_its_config_and_comes_online(DbKind db)
    {
        var downloads = Downloads.OrSkip();
        Tools.RequireOrSkip("wixl", "msiextract");
        var wine = new[] { "/usr/lib/wine/wine64", "/usr/bin/wine64" }.FirstOrDefault(File.Exists);
        if (wine is null)
        {
            Assert.Skip("wine64 is not installed (scripts/test.sh installs it).");
        }

        using var work = new Scratch();
        await using var server = await GuruServer.StartAsync(db, $"--Releases:Directory={downloads}", "--Installers:AllowUnsignedForTesting=true");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("WINE-LAB");
        using var response = await admin.PostAsJsonAsync($"/api/sites/{site.Id}/installer", new { format = "msi", enrollmentKey = site.Key });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var msi = work.Combine("site.msi");
        await File.WriteAllBytesAsync(msi, await response.Content.ReadAsByteArrayAsync());
        var extracted = work.Combine("extracted");
        Directory.CreateDirectory(extracted);
        await Tools.RunAsync("msiextract", "-C", extracted, msi);
        var exe = Directory.GetFiles(extracted, "guruconnect-agent.exe", SearchOption.AllDirectories).Single();
        var config = Directory.GetFiles(extracted, "agent.json", SearchOption.AllDirectories).Single();

        using var machine = new FakeMachine();
        File.Copy(config, machine.ConfigPath, overwrite: true);
        var root = Downloads.RepositoryRoot();
        AgentLauncher.ResetWineServer(wine, Path.Combine(root, "artifacts", "wineprefix"));
        await using var agent = new AgentProcess(machine)
        {
            Launcher = new AgentLauncher(wine, exe, path => "Z:" + path.Replace('/', '\\'), new Dictionary<string, string>
            {
                ["WINEPREFIX"] = Path.Combine(root, "artifacts", "wineprefix"),
                ["WINEDEBUG"] = "-all",
            })
            {
                CommandTimeout = TimeSpan.FromSeconds(180),
            },
        };

        var (exit, output) = await agent.RunToEndAsync("enroll");
        exit.ShouldBe(0, output);
        agent.Start("run");
        (await Online.WaitAsync(admin, TimeSpan.FromSeconds(120))).ShouldBe(1, agent.Output);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_sh_installer_gives_an_enrolled_connected_machine_and_running_it_twice_keeps_one_row(DbKind db)
    {
        var downloads = Downloads.OrSkip();
        using var work = new Scratch();
        await using var server = await GuruServer.StartAsync(db, $"--Releases:Directory={downloads}");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        using var response = await admin.PostAsJsonAsync($"/api/sites/{site.Id}/installer", new
        {
            format = "sh",
            enrollmentKey = site.Key,
            labels = new { department = "Front desk", deviceType = "kiosk", tags = new[] { "lobby" } },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var installer = work.Combine(response.Content.Headers.ContentDisposition!.FileName!);
        await File.WriteAllBytesAsync(installer, await response.Content.ReadAsByteArrayAsync());
        var root = work.Combine("root");
        using var machine = new FakeMachine();

        for (var run = 1; run <= 2; run++)
        {
            var said = await Tools.RunAsync("sh", [installer], new Dictionary<string, string> { ["GURUCONNECT_ROOT"] = root });
            said.ShouldContain("Installed under");
            var agentPath = Path.Combine(root, "opt/guruconnect/guruconnect-agent");
            (await File.ReadAllBytesAsync(agentPath)).ShouldBe(await File.ReadAllBytesAsync(Path.Combine(downloads, "linux-x64", "guruconnect-agent")));
            File.GetUnixFileMode(Path.Combine(root, "etc/guruconnect/agent.json")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.GetUnixFileMode(Path.Combine(root, "etc/guruconnect")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            using var agent = InstalledAgent.Start(agentPath, Path.Combine(root, "etc/guruconnect/agent.json"), Path.Combine(root, "var/lib/guruconnect"), machine.HardwareRoot);
            (await Online.WaitAsync(admin, TimeSpan.FromSeconds(60))).ShouldBe(1, agent.Output);
            agent.Stop();
            await Online.WaitForOfflineAsync(admin, TimeSpan.FromSeconds(30));
        }

        var page = await admin.GetFromJsonAsync<JsonElement>("/api/machines");
        page.GetProperty("total").GetInt32().ShouldBe(1);
        var row = page.GetProperty("items")[0].GetRawText();
        row.ShouldContain("Front desk"); // the installer's labels landed on the machine row
        row.ShouldContain("kiosk");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_support_download_is_the_same_bytes_and_started_with_no_arguments_joins_as_a_support_session(DbKind db)
    {
        var downloads = Downloads.OrSkip();
        using var work = new Scratch();
        await using var server = await GuruServer.StartAsync(db, $"--Releases:Directory={downloads}");
        using var tech = await server.UserClientAsync("tech1", "technician");
        using var created = await tech.PostAsJsonAsync("/api/codes", new { });
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;

        using var download = await server.Client.GetAsync($"/download/support/{code}?platform=linux-x64");
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        bytes.ShouldBe(await File.ReadAllBytesAsync(Path.Combine(downloads, "linux-x64", "guruconnect-agent")));
        var saved = work.Combine(download.Content.Headers.ContentDisposition!.FileName!);
        Path.GetFileName(saved).ShouldBe($"guruconnect-support-{code}");
        await File.WriteAllBytesAsync(saved, bytes);
        File.SetUnixFileMode(saved, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        using var agent = InstalledAgent.StartSupport(saved, server.BaseAddress.ToString().TrimEnd('/'));
        var started = Stopwatch.GetTimestamp();
        JsonElement session = default;
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60) && session.ValueKind != JsonValueKind.Object)
        {
            var sessions = await tech.GetFromJsonAsync<JsonElement[]>("/api/sessions");
            session = sessions!.FirstOrDefault(s => s.GetProperty("kind").GetString() == "support" && s.GetProperty("agentOnline").GetBoolean());
            await Task.Delay(300);
        }

        session.ValueKind.ShouldBe(JsonValueKind.Object, agent.Output);
        agent.Output.ShouldContain("Connected");
    }
}

/// <summary>The single-file agents scripts/test.sh publishes into artifacts/test-downloads.</summary>
internal static class Downloads
{
    public static string OrSkip()
    {
        var folder = Path.Combine(RepositoryRoot(), "artifacts", "test-downloads");
        if (!File.Exists(Path.Combine(folder, "linux-x64", "guruconnect-agent")) || !File.Exists(Path.Combine(folder, "win-x64", "guruconnect-agent.exe")))
        {
            Assert.Skip($"The single-file agent builds are missing from {folder}: scripts/test.sh publishes them (packaging/prepare-downloads.sh).");
        }

        return folder;
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GuruConnect.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("GuruConnect.slnx not found above " + AppContext.BaseDirectory);
    }
}

internal static class Online
{
    /// <summary>Machines online, once at least one is (or the count when the time is up).</summary>
    public static async Task<int> WaitAsync(HttpClient admin, TimeSpan within)
    {
        var started = Stopwatch.GetTimestamp();
        var online = 0;
        while (Stopwatch.GetElapsedTime(started) < within)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/machines?status=online");
            online = page.GetProperty("total").GetInt32();
            if (online > 0)
            {
                return online;
            }

            await Task.Delay(300);
        }

        return online;
    }

    public static async Task WaitForOfflineAsync(HttpClient admin, TimeSpan within)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < within)
        {
            if ((await admin.GetFromJsonAsync<JsonElement>("/api/machines?status=online")).GetProperty("total").GetInt32() == 0)
            {
                return;
            }

            await Task.Delay(300);
        }

        throw new ShouldAssertException("the machine did not go offline after its agent stopped");
    }
}

/// <summary>An installed agent binary run directly (not through dotnet), as a service manager would.</summary>
internal sealed class InstalledAgent : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private InstalledAgent(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static InstalledAgent Start(string agent, string config, string state, string hardwareRoot)
    {
        var start = new ProcessStartInfo(agent) { ArgumentList = { "run" } };
        start.Environment["GURUCONNECT_AGENT_CONFIG"] = config;
        start.Environment["GURUCONNECT_AGENT_STATE"] = state;
        start.Environment["GURUCONNECT_AGENT_HARDWARE_ROOT"] = hardwareRoot;
        return new InstalledAgent(start);
    }

    /// <summary>No arguments at all: the code comes from the file name, the server from GURUCONNECT_SERVER.</summary>
    public static InstalledAgent StartSupport(string agent, string server)
    {
        var start = new ProcessStartInfo(agent);
        start.Environment["GURUCONNECT_SERVER"] = server;
        return new InstalledAgent(start);
    }

    public void Stop()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Stop();
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}

/// <summary>A throwaway self-signed code-signing certificate (docs/installers.md "Signing in this repository").</summary>
internal sealed record TestCertificate(string KeyPem, string CertPem, string Pfx)
{
    public const string Password = "test-signing-password";

    public static async Task<TestCertificate> CreateAsync(string directory)
    {
        var key = Path.Combine(directory, "key.pem");
        var cert = Path.Combine(directory, "cert.pem");
        var pfx = Path.Combine(directory, "cert.pfx");
        await Tools.RunAsync("openssl", "req", "-x509", "-newkey", "rsa:3072", "-sha256", "-days", "30", "-nodes", "-keyout", key, "-out", cert,
            "-subj", "/CN=GuruConnect Test Signing", "-addext", "extendedKeyUsage=codeSigning", "-addext", "keyUsage=digitalSignature");
        await Tools.RunAsync("openssl", "pkcs12", "-export", "-out", pfx, "-inkey", key, "-in", cert, "-passout", "pass:" + Password);
        return new TestCertificate(key, cert, pfx);
    }
}

internal sealed class Scratch : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("gc-installer-").FullName;

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Tools
{
    public static void RequireOrSkip(params string[] tools)
    {
        var missing = tools.Where(t => !(Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(System.IO.Path.Combine(d, t)))).ToList();
        if (missing.Count > 0)
        {
            Assert.Skip($"{string.Join(", ", missing)} not installed (scripts/test.sh installs wixl, msitools, osslsigncode).");
        }
    }

    public static Task<string> RunAsync(string tool, params string[] arguments) => RunAsync(tool, arguments, null);

    public static Task<string> RunAsync(string tool, string[] arguments, IReadOnlyDictionary<string, string>? environment) =>
        RunAsync(tool, arguments, environment, allowFailure: false);

    public static async Task<string> RunAsync(string tool, string[] arguments, IReadOnlyDictionary<string, string>? environment, bool allowFailure)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        if (!allowFailure)
        {
            process.ExitCode.ShouldBe(0, $"{tool} {string.Join(' ', arguments)}:\n{output}");
        }

        return output;
    }
}
