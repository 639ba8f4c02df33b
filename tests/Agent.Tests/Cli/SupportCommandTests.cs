using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using GuruConnect.Agent.Cli;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Tests.Support;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Tests.Cli;

/// <summary>
/// <c>support</c> through the real command line against a fake server on 127.0.0.1 that speaks
/// the support-code check and a real WebSocket agent plane.
/// </summary>
public sealed class SupportCommandTests : IDisposable
{
    private const string Code = "123456";
    private const string CheckPath = "/api/codes/123456/validate";
    private const string AgentPath = "/ws/agent?supportCode=123456";

    private static readonly TestResponse Live = new(200, """{"valid":true}""");

    private readonly TestAgent _agent = new();
    private readonly WebSocketMessageReader _reader = new(ProtocolLimits.MaxAgentMessageBytes);

    [Theory]
    [InlineData("12345")]
    [InlineData("12345a")]
    public async Task MalformedCode_ExitsWithUsage(string code)
    {
        (await _agent.RunAsync("support", "--server", "https://connect.example.com", "--code", code)).ShouldBe(ExitCodes.Usage);
    }

    [Fact]
    public async Task CodeNotLive_Exits13_SaysWhy_AndDoesNotConnect()
    {
        await using var server = Relay(TestResponse.Problem(404, "CODE_INVALID", "x"), upgrade: Live);

        var exit = await SupportAsync(server);

        exit.ShouldBe(ExitCodes.SupportCodeInvalid);
        _agent.Error.ToString().ShouldContain(
            "Support code 123456 is not valid: it may have expired (codes last 30 minutes), been used already, or been cancelled. Ask your technician for a new one.");
        server.Requests.Select(r => r.Path).ShouldBe([CheckPath]);
    }

    [Fact]
    public async Task LockedOut_Exits7_WithTheMinutesToWait()
    {
        await using var server = Relay(TestResponse.Problem(429, "RATE_LIMITED", "x", new Dictionary<string, string> { ["Retry-After"] = "540" }), upgrade: Live);

        var exit = await SupportAsync(server);

        exit.ShouldBe(ExitCodes.RateLimited);
        _agent.Error.ToString().ShouldContain("Too many wrong codes from this network; try again in 9 minutes.");
    }

    [Fact]
    public async Task ServerUnreachable_Exits8_NamingTheServer()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var exit = await _agent.RunAsync("support", "--server", $"http://127.0.0.1:{port}/", "--code", Code);

        exit.ShouldBe(ExitCodes.ServerUnreachable);
        _agent.Error.ToString().ShouldContain($"Could not reach 127.0.0.1:{port}:");
    }

    [Fact]
    public async Task CodeUsedBetweenCheckAndConnect_Exits13()
    {
        await using var server = Relay(Live, upgrade: new TestResponse(401, ""));

        (await SupportAsync(server)).ShouldBe(ExitCodes.SupportCodeInvalid);
        _agent.Error.ToString().ShouldContain("Support code 123456 is not valid");
    }

    [Fact]
    public async Task LiveCode_ConnectsWithTheCodeAndNoKey_UntilTheTechnicianEndsIt_AndStoresNothing()
    {
        var hello = new TaskCompletionSource<Envelope?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closeAnswered = new TaskCompletionSource<WebSocketCloseStatus?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Relay(Live, upgrade: TestResponse.Upgrade(async (socket, ct) =>
        {
            hello.SetResult(await NextAsync(socket, ct));
            await NextAsync(socket, ct); // AgentStatus
            // What the server does when a technician ends the session or cancels the code.
            await Frames.SendAsync(socket, new Envelope { SessionNotice = new SessionNotice { Kind = SessionNoticeKind.SessionEnding, Text = "Session ended by alice" } }, ct);
            await Frames.SendAsync(socket, new Envelope { Disconnect = new Disconnect { Reason = "session-ended" } }, ct);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "session-ended", ct);
            await NextAsync(socket, ct);
            closeAnswered.SetResult(socket.CloseStatus);
        }));

        var exit = await SupportAsync(server);

        exit.ShouldBe(ExitCodes.Ok, _agent.Error.ToString());
        var upgrade = server.Requests.Single(r => r.Path.StartsWith("/ws/agent", StringComparison.Ordinal));
        upgrade.Path.ShouldBe(AgentPath);
        upgrade.Headers.ContainsKey("Authorization").ShouldBeFalse();
        var agentHello = (await hello.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken))!.AgentHello;
        agentHello.ShouldNotBeNull();
        agentHello.Hostname.ShouldBe("TEST-PC");
        agentHello.MachineUid.ShouldBe(IdentityProvider.Compute(FakeHardwareInfo.Default.Signals).Uid);
        (await closeAnswered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).ShouldBe(WebSocketCloseStatus.NormalClosure);
        _agent.Out.ToString().ShouldBe(Lines(
            $"Connecting to {server.BaseAddress.Authority}…",
            "Connected. Your technician can now join this session. Press Ctrl+C to end it.",
            "The technician ended the session."));
        Directory.EnumerateFileSystemEntries(_agent.Root).ShouldBeEmpty();
    }

    [Fact]
    public async Task AsAUserOnLinux_TheHelloCarriesNoMachineUid()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the DMI files are root-only on Linux");
        _agent.Privileged = false;
        var hello = new TaskCompletionSource<Envelope?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Relay(Live, upgrade: TestResponse.Upgrade(async (socket, ct) =>
        {
            hello.SetResult(await NextAsync(socket, ct));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "session-ended", ct);
            await NextAsync(socket, ct);
        }));

        (await SupportAsync(server)).ShouldBe(ExitCodes.Ok);
        var agentHello = (await hello.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken))!.AgentHello;
        agentHello.MachineUid.ShouldBeEmpty();
        agentHello.MachineUidScope.ShouldBe(MachineUidScope.Unspecified);
    }

    [Fact]
    public async Task ConnectionLost_Exits14_AsksForANewCode_AndDoesNotReconnect()
    {
        await using var server = Relay(Live, upgrade: TestResponse.Upgrade(async (socket, ct) =>
        {
            await NextAsync(socket, ct);
            socket.Abort(); // the line drops: no Disconnect, no close frame
        }));

        var exit = await SupportAsync(server);

        exit.ShouldBe(ExitCodes.SupportSessionLost);
        _agent.Error.ToString().ShouldContain(
            $"The session ended because the connection to {server.BaseAddress.Authority} was lost. A support code works only once: ask your technician for a new code to continue.");
        server.Requests.Count(r => r.Path == AgentPath).ShouldBe(1);
    }

    [Fact]
    public async Task CtrlC_SaysGoodbyeWithANormalClose_AndExits0()
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var goodbye = new TaskCompletionSource<(string? Disconnect, WebSocketCloseStatus? Status, string? Description)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Relay(Live, upgrade: TestResponse.Upgrade(async (socket, ct) =>
        {
            await NextAsync(socket, ct); // AgentHello
            await NextAsync(socket, ct); // AgentStatus
            connected.SetResult();
            var disconnect = await NextAsync(socket, ct);
            await NextAsync(socket, ct);
            goodbye.SetResult((disconnect?.Disconnect?.Reason, socket.CloseStatus, socket.CloseStatusDescription));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "goodbye", ct);
        }));
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = AgentCli.InvokeAsync(["support", "--server", server.BaseAddress.ToString(), "--code", Code], _agent.CreateOptions(), handleTerminationSignals: false, ctrlC.Token);
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await ctrlC.CancelAsync();

        (await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).ShouldBe(ExitCodes.Ok);
        (await goodbye.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).ShouldBe(("goodbye", WebSocketCloseStatus.NormalClosure, "goodbye"));
        _agent.Out.ToString().ShouldEndWith(Lines("You ended the session."));
    }

    public void Dispose() => _agent.Dispose();

    private static TestHttpServer Relay(TestResponse check, TestResponse upgrade) => new(request => request.Path switch
    {
        CheckPath => check,
        AgentPath => upgrade,
        _ => new TestResponse(404, ""),
    });

    private static string Lines(params string[] lines) => string.Concat(lines.Select(l => l + Environment.NewLine));

    private Task<int> SupportAsync(TestHttpServer server) => _agent.RunAsync("support", "--server", server.BaseAddress.ToString(), "--code", Code);

    /// <summary>The next envelope from the agent, or null when it closed.</summary>
    private async Task<Envelope?> NextAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var read = await _reader.ReadAsync(socket, cancellationToken);
        try
        {
            return read.Status == WebSocketReadStatus.Message && Frames.TryParse(read.Span, out var envelope) ? envelope : null;
        }
        finally
        {
            _reader.Return(read);
        }
    }
}
