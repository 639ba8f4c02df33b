using System.Text.Json.Nodes;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Enrollment;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.State;
using GuruConnect.Agent.Tests.Support;
using GuruConnect.Protocol;

namespace GuruConnect.Agent.Tests.Enrollment;

public sealed class EnrollmentFlowTests : IDisposable
{
    private readonly TestAgent _agent = new();
    private readonly ManualTimeProvider _time = new();
    private readonly HttpClient _http = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnrollOnce_StoresTheKey_RemovesTheEnrollmentKey_AndRecordsTheState()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress);

        var result = await Flow().EnrollOnceAsync(null, null, null, Token);

        result.ShouldBeOfType<EnrollmentResult.Enrolled>();
        (await Store().LoadAsync(Token)).ShouldBe(TestKeys.MachineKey);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(_agent.ConfigPath, Token))!.AsObject();
        config.ContainsKey("enrollmentKey").ShouldBeFalse();
        config["installerNote"]!.GetValue<string>().ShouldBe("kept as-is");
        var state = await new AgentStateFile(_agent.Paths.StateFilePath, _time).ReadAsync(Token);
        state!.MachineId.ShouldBe(TestKeys.MachineId);
        state.MachineUid.ShouldBe(IdentityProvider.Compute(_agent.Hardware.Signals).Uid);
        state.IdentityScope.ShouldBe("hardware");
    }

    [Fact]
    public async Task EnrollOnce_SendsTheComputedUidAndHostname()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress);

        await Flow().EnrollOnceAsync(null, null, null, Token);

        var body = JsonNode.Parse(server.Requests.Single().Body)!;
        body["machineUid"]!.GetValue<string>().ShouldBe(IdentityProvider.Compute(_agent.Hardware.Signals).Uid);
        body["hostname"]!.GetValue<string>().ShouldBe("TEST-PC");
    }

    [Fact]
    public async Task EnrollOnce_LogsFingerprintsButNeverKeys()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress);

        await Flow().EnrollOnceAsync(null, null, null, Token);

        _agent.Logs.AllText.ShouldContain(KeyFingerprint.Of(TestKeys.EnrollmentKey));
        _agent.Logs.AllText.ShouldContain(KeyFingerprint.Of(TestKeys.MachineKey));
        _agent.Logs.AllText.ShouldNotContain(TestKeys.EnrollmentKey[4..]);
        _agent.Logs.AllText.ShouldNotContain(TestKeys.MachineKey[4..]);
    }

    [Fact]
    public async Task EnrollOnce_FlagsWithoutAConfigFile_EnrollAndWriteTheConfig()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());

        var result = await Flow().EnrollOnceAsync(server.BaseAddress.ToString(), "FLAG-SITE", TestKeys.EnrollmentKey, Token);

        result.ShouldBeOfType<EnrollmentResult.Enrolled>();
        JsonNode.Parse(server.Requests.Single().Body)!["siteCode"]!.GetValue<string>().ShouldBe("FLAG-SITE");
        var written = await new AgentConfigFile(_agent.ConfigPath).LoadAsync(Token);
        written.SiteCode.ShouldBe("FLAG-SITE");
        written.EnrollmentKey.ShouldBeNull();
    }

    [Fact]
    public async Task EnrollOnce_401_StoresNothing_AndKeepsTheEnrollmentKey()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Problem(401, "ENROLL_REJECTED", "no"));
        _agent.WriteConfig(server.BaseAddress);

        var result = await Flow().EnrollOnceAsync(null, null, null, Token);

        result.ShouldBeOfType<EnrollmentResult.Rejected>();
        Store().Exists.ShouldBeFalse();
        (await File.ReadAllTextAsync(_agent.ConfigPath, Token)).ShouldContain(TestKeys.EnrollmentKey);
    }

    [Fact]
    public async Task EnsureEnrolled_KeyAlreadyStored_DoesNotCallTheServer()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress, enrollmentKey: null);
        await Store().SaveAsync(TestKeys.OtherMachineKey, Token);

        var credentials = await Flow().EnsureEnrolledAsync(Token);

        credentials.Key.ShouldBe(TestKeys.OtherMachineKey);
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task EnsureEnrolled_UnreadableStore_IsFatal_NotASilentReEnroll()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress);
        await Store().SaveAsync(TestKeys.OtherMachineKey, Token);
        _agent.Hardware.Signals = _agent.Hardware.Signals with { DiskSerial = "REPLACED-DISK" };

        await Should.ThrowAsync<CredentialStoreUnreadableException>(() => Flow().EnsureEnrolledAsync(Token));

        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task EnsureEnrolled_NoKeyStoredAndNoEnrollmentKey_SaysWhatToDo()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress, enrollmentKey: null);

        var ex = await Should.ThrowAsync<AgentConfigException>(() => Flow().EnsureEnrolledAsync(Token));

        ex.Message.ShouldContain(_agent.ConfigPath);
        ex.Message.ShouldContain("enrollmentKey");
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task EnsureEnrolled_Pending_PollsAboutEveryMinuteUntilApproved()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Pending(), TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress);

        var run = Flow().EnsureEnrolledAsync(Token);
        await _time.WaitForTimerAsync();

        run.IsCompleted.ShouldBeFalse();
        var wait = _time.NextDue()!.Value;
        wait.ShouldBeInRange(TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(70));
        (await new AgentStateFile(_agent.Paths.StateFilePath, _time).ReadAsync(Token))!.ConnectionState.ShouldBe(ConnectionStates.PendingApproval);

        _time.Advance(wait);
        var credentials = await run.WaitAsync(TimeSpan.FromSeconds(10), Token);

        credentials.Key.ShouldBe(TestKeys.MachineKey);
        server.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task EnsureEnrolled_RateLimited_WaitsForRetryAfter()
    {
        await using var server = TestHttpServer.Sequence(
            TestResponse.Problem(429, "RATE_LIMITED", "slow", new Dictionary<string, string> { ["Retry-After"] = "300" }),
            TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress);

        var run = Flow().EnsureEnrolledAsync(Token);
        await _time.WaitForTimerAsync();

        _time.NextDue().ShouldBe(TimeSpan.FromSeconds(300));
        _time.Advance(TimeSpan.FromSeconds(299));
        run.IsCompleted.ShouldBeFalse();
        server.Requests.Count.ShouldBe(1);
        _time.Advance(TimeSpan.FromSeconds(1));
        (await run.WaitAsync(TimeSpan.FromSeconds(10), Token)).Key.ShouldBe(TestKeys.MachineKey);
    }

    [Fact]
    public async Task EnsureEnrolled_Rejected_RetriesOnlyAfterAboutFifteenMinutes()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Problem(401, "ENROLL_REJECTED", "no"), TestResponse.Enrolled());
        _agent.WriteConfig(server.BaseAddress);

        var run = Flow().EnsureEnrolledAsync(Token);
        await _time.WaitForTimerAsync();

        _time.NextDue()!.Value.ShouldBeInRange(TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(16));
        // Not silence: it says it is waiting, when it tries again, and what fixes it.
        var said = _agent.Logs.Entries.Single(e => e.EventId.Name == "WaitingForFix").Line;
        said.ShouldContain("Enrollment refused: The server rejected the site code or enrollment key for site");
        said.ShouldContain("download a fresh installer");
        said.ShouldContain($"the agent reads {_agent.Paths.ConfigPath} again and retries in 15 min (at {(_time.GetUtcNow() + TimeSpan.FromMinutes(15)):HH:mm} UTC)");
        said.ShouldContain("or at once when the service is restarted");
        _time.Advance(TimeSpan.FromMinutes(16));
        (await run.WaitAsync(TimeSpan.FromSeconds(10), Token)).Key.ShouldBe(TestKeys.MachineKey);
    }

    [Fact]
    public async Task EnsureEnrolled_Cancelled_StopsWaiting()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Pending());
        _agent.WriteConfig(server.BaseAddress);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var run = Flow().EnsureEnrolledAsync(stop.Token);
        await _time.WaitForTimerAsync();
        await stop.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => run);
    }

    public void Dispose()
    {
        _http.Dispose();
        _agent.Dispose();
    }

    private CredentialStore Store() =>
        new(_agent.StateDirectory, new IdentityKeyedProtector(IdentityProvider.Compute(_agent.Hardware.Signals)));

    private EnrollmentFlow Flow()
    {
        return new EnrollmentFlow(
            _agent.Paths,
            new IdentityProvider(_agent.Hardware),
            identity => new IdentityKeyedProtector(identity),
            new EnrollmentClient(_http, _time, _agent.Logs.For<EnrollmentClient>()),
            _time,
            _agent.Logs.For<EnrollmentFlow>(),
            "TEST-PC",
            () => 0.5);
    }
}
