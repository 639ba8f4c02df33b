using System.Text.Json.Nodes;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Tests.Support;

namespace GuruConnect.Agent.Tests.Config;

public sealed class AgentConfigTests : IDisposable
{
    private readonly TestAgent _agent = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Load_ReadsEveryField()
    {
        _agent.WriteConfig(new Uri("https://connect.example.com"));

        var config = await new AgentConfigFile(_agent.ConfigPath).LoadAsync(Token);

        config.Server.ShouldBe("https://connect.example.com/");
        config.SiteCode.ShouldBe("ACME-PHX");
        config.EnrollmentKey.ShouldBe(TestKeys.EnrollmentKey);
        config.KeyFingerprint.ShouldBe("v3 (96CC)");
        config.Labels.ShouldNotBeNull();
        config.Labels.Department.ShouldBe("Front desk");
        config.Labels.Tags.ShouldBe(["kiosk"]);
    }

    [Fact]
    public async Task CompleteEnrollment_RemovesTheEnrollmentKey_AndKeepsEveryOtherField()
    {
        _agent.WriteConfig(new Uri("https://connect.example.com"));
        var file = new AgentConfigFile(_agent.ConfigPath);
        var before = JsonNode.Parse(await File.ReadAllTextAsync(_agent.ConfigPath, Token))!.AsObject();

        await file.CompleteEnrollmentAsync(await file.LoadAsync(Token), Token);

        var after = JsonNode.Parse(await File.ReadAllTextAsync(_agent.ConfigPath, Token))!.AsObject();
        after.ContainsKey("enrollmentKey").ShouldBeFalse();
        before.Remove("enrollmentKey");
        JsonNode.DeepEquals(after, before).ShouldBeTrue(after.ToJsonString());
        (await File.ReadAllTextAsync(_agent.ConfigPath, Token)).ShouldNotContain("cek_");
    }

    [Fact]
    public async Task CompleteEnrollment_KeepsTheFileMode()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        _agent.WriteConfig(new Uri("https://connect.example.com"));
        File.SetUnixFileMode(_agent.ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var file = new AgentConfigFile(_agent.ConfigPath);

        await file.CompleteEnrollmentAsync(await file.LoadAsync(Token), Token);

        File.GetUnixFileMode(_agent.ConfigPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task CompleteEnrollment_AfterFlagOverrides_RecordsTheServerAndSiteThatWereUsed()
    {
        _agent.WriteConfig(new Uri("https://old.example.com"));
        var file = new AgentConfigFile(_agent.ConfigPath);
        var used = (await file.LoadAsync(Token)).WithOverrides("https://new.example.com", "NEW-SITE", TestKeys.EnrollmentKey);

        await file.CompleteEnrollmentAsync(used, Token);

        var after = await file.LoadAsync(Token);
        after.Server.ShouldBe("https://new.example.com");
        after.SiteCode.ShouldBe("NEW-SITE");
        after.EnrollmentKey.ShouldBeNull();
        after.Labels!.Company.ShouldBe("Acme");
    }

    [Fact]
    public void WithOverrides_FlagsWin_AndBlankFlagsKeepTheFile()
    {
        var file = new AgentConfig("https://file.example.com", "FILE-SITE", "cek_file", "v3 (7F2A)");

        var overridden = file.WithOverrides("https://flag.example.com", "FLAG-SITE", TestKeys.EnrollmentKey);
        var untouched = file.WithOverrides(null, "  ", null);

        overridden.Server.ShouldBe("https://flag.example.com");
        overridden.SiteCode.ShouldBe("FLAG-SITE");
        overridden.EnrollmentKey.ShouldBe(TestKeys.EnrollmentKey);
        overridden.KeyFingerprint.ShouldBe($"({GuruConnect.Protocol.KeyFingerprint.Of(TestKeys.EnrollmentKey)})");
        untouched.ShouldBe(file);
    }

    [Fact]
    public async Task Load_MissingFile_MessageNamesThePath()
    {
        var ex = await Should.ThrowAsync<AgentConfigException>(() => new AgentConfigFile(_agent.ConfigPath).LoadAsync(Token));

        ex.Message.ShouldContain(_agent.ConfigPath);
        ex.Message.ShouldContain("guruconnect-agent enroll");
    }

    [Fact]
    public async Task Load_InvalidJson_MessageNamesThePath()
    {
        _agent.WriteConfig("{ \"server\": ");

        var ex = await Should.ThrowAsync<AgentConfigException>(() => new AgentConfigFile(_agent.ConfigPath).LoadAsync(Token));

        ex.Message.ShouldContain(_agent.ConfigPath);
        ex.Message.ShouldContain("not valid JSON");
    }

    [Theory]
    [InlineData(null, "has no \"server\"")]
    [InlineData("connect.example.com", "absolute https:// URL")]
    [InlineData("ftp://connect.example.com", "absolute https:// URL")]
    public void RequireServer_MissingOrMalformed_NamesThePath(string? server, string expected)
    {
        var ex = Should.Throw<AgentConfigException>(() => new AgentConfig(Server: server).RequireServer("/etc/guruconnect/agent.json"));

        ex.Message.ShouldContain("/etc/guruconnect/agent.json");
        ex.Message.ShouldContain(expected);
    }

    [Fact]
    public void ValidEnrollmentKeyOrNull_Malformed_NeverEchoesTheKey()
    {
        const string almost = "cek_NOT-HEX-secret-material";

        var ex = Should.Throw<AgentConfigException>(() => new AgentConfig(EnrollmentKey: almost).ValidEnrollmentKeyOrNull("/x.json"));

        ex.Message.ShouldNotContain("secret-material");
    }

    [Fact]
    public void ToString_NeverPrintsTheEnrollmentKey()
    {
        new AgentConfig("https://x", "S1", TestKeys.EnrollmentKey).ToString().ShouldNotContain(TestKeys.EnrollmentKey[4..]);
    }

    [Fact]
    public void Resolve_UsesTheEnvironmentOverrides_ElseThePlatformDefaults()
    {
        var overridden = AgentPaths.Resolve(name => name switch
        {
            AgentPaths.ConfigVariable => "/tmp/a.json",
            AgentPaths.StateVariable => "/tmp/state",
            _ => null,
        });
        var defaults = AgentPaths.Resolve(_ => null);

        overridden.ShouldBe(new AgentPaths("/tmp/a.json", "/tmp/state", IsSystemWide: false));
        defaults.IsSystemWide.ShouldBeTrue();
        if (OperatingSystem.IsLinux())
        {
            defaults.ConfigPath.ShouldBe("/etc/guruconnect/agent.json");
            defaults.StateDirectory.ShouldBe("/var/lib/guruconnect");
            defaults.LogDirectory.ShouldBe("/var/lib/guruconnect/logs");
        }
    }

    public void Dispose() => _agent.Dispose();
}
