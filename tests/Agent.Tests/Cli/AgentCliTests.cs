using System.Text.Json.Nodes;
using GuruConnect.Agent.Cli;
using GuruConnect.Agent.Enrollment;
using GuruConnect.Agent.Service;
using GuruConnect.Agent.Tests.Support;

namespace GuruConnect.Agent.Tests.Cli;

/// <summary>The real command line, in-process, with the agent's files in a temp folder.</summary>
public sealed class AgentCliTests : IDisposable
{
    private readonly TestAgent _agent = new();

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        var exit = await _agent.RunAsync("--help");

        exit.ShouldBe(ExitCodes.Ok);
        var help = _agent.Out.ToString();
        foreach (var command in new[] { "run", "enroll", "support", "install", "uninstall", "status" })
        {
            help.ShouldContain($"  {command} ");
        }

        help.ShouldContain("Exit codes:");
        help.ShouldContain("11 needs root");
        help.ShouldContain("13 support code not valid");
        help.ShouldContain("14 support session lost");
    }

    [Fact]
    public async Task EnrollHelp_ListsTheOverrideFlags()
    {
        await _agent.RunAsync("enroll", "--help");

        _agent.Out.ToString().ShouldContain("--server");
        _agent.Out.ToString().ShouldContain("--site-code");
        _agent.Out.ToString().ShouldContain("--enrollment-key");
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("enroll", "--no-such-flag")]
    [InlineData("support", "--code", "123456")]
    public async Task BadCommandLine_ExitsWithUsage(params string[] args)
    {
        (await _agent.RunAsync(args)).ShouldBe(ExitCodes.Usage);
        _agent.Error.ToString().ShouldContain("--help");
    }

    [Fact]
    public async Task NoCommand_ExitsWithUsage()
    {
        (await _agent.RunAsync()).ShouldBe(ExitCodes.Usage);
    }

    [Fact]
    public async Task Status_NoConfig_SaysWhereItLookedAndExits3()
    {
        var exit = await _agent.RunAsync("status");

        exit.ShouldBe(ExitCodes.ConfigInvalid);
        _agent.Error.ToString().ShouldContain(_agent.ConfigPath);
    }

    [Fact]
    public async Task Status_ConfigNotReadableByThisUser_Exits11()
    {
        // A directory where the file should be fails like a 0600 file read by a normal user
        // (UnauthorizedAccessException), which also holds when the tests run as root.
        Directory.CreateDirectory(_agent.ConfigPath);

        (await _agent.RunAsync("status")).ShouldBe(ExitCodes.NeedsPrivilege);
        _agent.Error.ToString().ShouldContain(_agent.ConfigPath);
    }

    [Fact]
    public async Task Status_AfterEnroll_ShowsServerSiteFingerprintMachineAndKey()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress);
        (await _agent.RunAsync("enroll")).ShouldBe(ExitCodes.Ok);

        var exit = await _agent.RunAsync("status");

        exit.ShouldBe(ExitCodes.Ok);
        var status = _agent.Out.ToString();
        status.ShouldContain(server.BaseAddress.ToString());
        status.ShouldContain("ACME-PHX");
        status.ShouldContain("v3 (96CC)");
        status.ShouldContain(TestKeys.MachineId);
        status.ShouldContain("(hardware)");
        status.ShouldContain("stored (");
        status.ShouldNotContain(TestKeys.MachineKey[4..]);
    }

    [Fact]
    public async Task Enroll_Success_Exits0_AndStoresTheKey()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress);

        var exit = await _agent.RunAsync("enroll");

        exit.ShouldBe(ExitCodes.Ok);
        _agent.Out.ToString().ShouldContain("Enrolled as machine");
        File.Exists(Path.Combine(_agent.StateDirectory, "agent.cak")).ShouldBeTrue();
        Directory.GetFiles(Path.Combine(_agent.StateDirectory, "logs"), "agent-*.log").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Enroll_FlagsOverrideTheConfig()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());
        _agent.WriteConfig(new Uri("http://127.0.0.1:9/"), enrollmentKey: null);

        var exit = await _agent.RunAsync("enroll", "--server", server.BaseAddress.ToString(), "--site-code", "OTHER-SITE", "--enrollment-key", TestKeys.EnrollmentKey);

        exit.ShouldBe(ExitCodes.Ok);
        var body = JsonNode.Parse(server.Requests.Single().Body)!;
        body["siteCode"]!.GetValue<string>().ShouldBe("OTHER-SITE");
        body["enrollmentKey"]!.GetValue<string>().ShouldBe(TestKeys.EnrollmentKey);
    }

    [Theory]
    [InlineData(401, "ENROLL_REJECTED", ExitCodes.EnrollRejected)]
    [InlineData(409, "ENROLL_SITE_CONFLICT", ExitCodes.SiteConflict)]
    [InlineData(429, "RATE_LIMITED", ExitCodes.RateLimited)]
    [InlineData(503, "UNAVAILABLE", ExitCodes.ServerUnreachable)]
    public async Task Enroll_Refused_ExitsWithTheDocumentedCode(int status, string code, int expected)
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Problem(status, code, "x"));
        _agent.WriteConfig(server.BaseAddress);

        (await _agent.RunAsync("enroll")).ShouldBe(expected);
        _agent.Error.ToString().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Enroll_Pending_Exits6_AndTellsTheAdminToApprove()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Pending());
        _agent.WriteConfig(server.BaseAddress);

        (await _agent.RunAsync("enroll")).ShouldBe(ExitCodes.PendingApproval);
        _agent.Error.ToString().ShouldContain("approve", Case.Insensitive);
    }

    [Fact]
    public void ExitCodeFor_CoversEveryResult()
    {
        EnrollCommand.ExitCodeFor(new EnrollmentResult.Unreachable("x")).ShouldBe(ExitCodes.ServerUnreachable);
        EnrollCommand.ExitCodeFor(new EnrollmentResult.InvalidRequest("x", null)).ShouldBe(ExitCodes.ConfigInvalid);
        EnrollCommand.ExitCodeFor(new EnrollmentResult.Failed(404, null, "x", null)).ShouldBe(ExitCodes.ConfigInvalid); // no enrollment endpoint there: fix "server"
        EnrollCommand.ExitCodeFor(new EnrollmentResult.Failed(418, null, "x", null)).ShouldBe(ExitCodes.Unexpected);
    }

    [Fact]
    public async Task Run_CorruptCredential_Exits9_NamingThePath()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress);
        Directory.CreateDirectory(_agent.StateDirectory);
        var store = Path.Combine(_agent.StateDirectory, "agent.cak");
        await File.WriteAllTextAsync(store, "garbage", TestContext.Current.CancellationToken);

        var exit = await _agent.RunAsync("run");

        exit.ShouldBe(ExitCodes.CredentialStoreUnreadable);
        // `run` is a service: the reason goes to its log (journald, the Event Log, the file).
        _agent.Logs.AllText.ShouldContain(store);
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Run_Enrolled_KeepsReconnectingWhenTheRelayIsUnavailable_UntilCancelled()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = AgentCli.InvokeAsync(["run"], _agent.CreateOptions(), handleTerminationSignals: false, stop.Token);
        // The test server speaks HTTP but not WebSocket: the agent must back off and retry, not exit.
        await WaitUntilAsync(() => _agent.Logs.AllText.Contains("Reconnecting in", StringComparison.Ordinal));
        run.IsCompleted.ShouldBeFalse();
        await stop.CancelAsync();

        (await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).ShouldBe(ExitCodes.Ok);
        var state = await File.ReadAllTextAsync(Path.Combine(_agent.StateDirectory, "state.json"), TestContext.Current.CancellationToken);
        state.ShouldContain("\"connectionState\": \"stopped\"");
    }

    [Fact]
    public async Task Run_SystemPathsWithoutRoot_Exits11()
    {
        _agent.Privileged = false;
        _agent.Paths = _agent.Paths with { IsSystemWide = true };

        var exit = await _agent.RunAsync("run");

        exit.ShouldBe(ExitCodes.NeedsPrivilege);
        _agent.Error.ToString().ShouldContain("root");
    }

    [Fact]
    public async Task Install_WritesTheUnitWhereToldAndSkipsSystemctl()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "systemd install path");
        var unitDirectory = Path.Combine(_agent.Root, "systemd");
        _agent.Environment[SystemdUnit.DirectoryVariable] = unitDirectory;
        _agent.Environment[SystemdUnit.SkipSystemctlVariable] = "1";

        (await _agent.RunAsync("install")).ShouldBe(ExitCodes.Ok);

        var unit = await File.ReadAllTextAsync(Path.Combine(unitDirectory, "guruconnect-agent.service"), TestContext.Current.CancellationToken);
        unit.ShouldContain($"ExecStart={SystemdUnit.Quote(Environment.ProcessPath!)}");
        unit.ShouldContain($"Environment={SystemdUnit.Quote("GURUCONNECT_AGENT_CONFIG=" + _agent.ConfigPath)}");

        (await _agent.RunAsync("uninstall")).ShouldBe(ExitCodes.Ok);
        File.Exists(Path.Combine(unitDirectory, "guruconnect-agent.service")).ShouldBeFalse();
    }

    [Fact]
    public async Task Install_WithoutRoot_Exits11()
    {
        _agent.Privileged = false;
        _agent.Environment[SystemdUnit.DirectoryVariable] = Path.Combine(_agent.Root, "systemd");
        _agent.Environment[SystemdUnit.SkipSystemctlVariable] = "1";

        (await _agent.RunAsync("install")).ShouldBe(ExitCodes.NeedsPrivilege);
        Directory.Exists(Path.Combine(_agent.Root, "systemd")).ShouldBeFalse();
    }

    public void Dispose() => _agent.Dispose();

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        condition().ShouldBeTrue();
    }
}
