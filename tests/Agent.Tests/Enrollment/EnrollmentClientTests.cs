using System.Text.Json.Nodes;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Enrollment;
using GuruConnect.Agent.Tests.Support;

namespace GuruConnect.Agent.Tests.Enrollment;

/// <summary>The client against a real HTTP listener on 127.0.0.1, every answer docs/api.md defines.</summary>
public sealed class EnrollmentClientTests
{
    private static readonly EnrollmentRequest Request = new(
        "ACME-PHX",
        TestKeys.EnrollmentKey,
        "42b5c9c838ed66e9c05dacb893fd37838fab7bbaa0df8684a1d85f909a05f0a1",
        "PC-07",
        new AgentLabels("Acme", "Phoenix", "Front desk", "workstation", ["kiosk"]));

    private readonly CapturedLogs _logs = new();
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task Enroll_PostsTheSpecBodyToApiEnroll()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());

        await EnrollAsync(server);

        var request = server.Requests.Single();
        request.Method.ShouldBe("POST");
        request.Path.ShouldBe("/api/enroll");
        request.Headers["Content-Type"].ShouldStartWith("application/json");
        var body = JsonNode.Parse(request.Body)!.AsObject();
        body.Select(p => p.Key).ShouldBe(["siteCode", "enrollmentKey", "machineUid", "hostname", "labels"]);
        body["siteCode"]!.GetValue<string>().ShouldBe("ACME-PHX");
        body["enrollmentKey"]!.GetValue<string>().ShouldBe(TestKeys.EnrollmentKey);
        body["machineUid"]!.GetValue<string>().ShouldBe(Request.MachineUid);
        body["hostname"]!.GetValue<string>().ShouldBe("PC-07");
        body["labels"]!.AsObject().Select(p => p.Key).ShouldBe(["company", "site", "department", "deviceType", "tags"]);
        body["labels"]!["tags"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["kiosk"]);
    }

    [Fact]
    public async Task Enroll_WithoutLabels_OmitsThemSoTheServerKeepsItsOwn()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled());

        await EnrollAsync(server, Request with { Labels = null });

        JsonNode.Parse(server.Requests.Single().Body)!.AsObject().ContainsKey("labels").ShouldBeFalse();
    }

    [Fact]
    public async Task Enroll_ServerUnderAPathPrefix_PostsBelowIt()
    {
        EnrollmentClient.Endpoint(new Uri("https://x.example.com/guru")).ShouldBe(new Uri("https://x.example.com/guru/api/enroll"));
        EnrollmentClient.Endpoint(new Uri("https://x.example.com")).ShouldBe(new Uri("https://x.example.com/api/enroll"));
    }

    [Theory]
    [InlineData(201, "new")]
    [InlineData(200, "reuse")]
    public async Task Enroll_201Or200_ReturnsTheKey(int status, string disposition)
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Enrolled(status, disposition: disposition));

        var result = await EnrollAsync(server);

        var enrolled = result.ShouldBeOfType<EnrollmentResult.Enrolled>();
        enrolled.Key.ShouldBe(TestKeys.MachineKey);
        enrolled.MachineId.ShouldBe(Guid.Parse(TestKeys.MachineId));
        enrolled.Disposition.ShouldBe(disposition);
    }

    [Fact]
    public async Task Enroll_202_IsPendingWithTheMachineId()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Pending());

        var result = await EnrollAsync(server);

        var pending = result.ShouldBeOfType<EnrollmentResult.Pending>();
        pending.MachineId.ShouldBe(Guid.Parse(TestKeys.MachineId));
        pending.Message.ShouldContain("approve", Case.Insensitive);
    }

    [Fact]
    public async Task Enroll_401_IsRejected_WithTheFixInTheMessage()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Problem(401, "ENROLL_REJECTED", "Invalid site code or enrollment key"));

        var result = await EnrollAsync(server);

        var rejected = result.ShouldBeOfType<EnrollmentResult.Rejected>();
        rejected.Message.ShouldContain("site ACME-PHX");
        rejected.Message.ShouldContain("rotated");
        rejected.Message.ShouldContain("guruconnect-agent enroll --site-code ACME-PHX --enrollment-key cek_…");
        rejected.Message.ShouldNotContain(TestKeys.EnrollmentKey);
        rejected.TraceId.ShouldBe("00-trace-01");
    }

    [Fact]
    public async Task Enroll_409_IsSiteConflict()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Problem(409, "ENROLL_SITE_CONFLICT", "bound to another site"));

        var result = await EnrollAsync(server);

        result.ShouldBeOfType<EnrollmentResult.SiteConflict>().Message.ShouldContain("different site");
    }

    [Fact]
    public async Task Enroll_429WithRetryAfterSeconds_IsRateLimitedForThatLong()
    {
        await using var server = TestHttpServer.Sequence(
            TestResponse.Problem(429, "RATE_LIMITED", "slow down", new Dictionary<string, string> { ["Retry-After"] = "120" }));

        var result = await EnrollAsync(server);

        var limited = result.ShouldBeOfType<EnrollmentResult.RateLimited>();
        limited.RetryAfter.ShouldBe(TimeSpan.FromSeconds(120));
        limited.Message.ShouldContain("120 s");
    }

    [Fact]
    public async Task Enroll_429WithRetryAfterDate_WaitsUntilThatDate()
    {
        var at = _time.GetUtcNow().AddSeconds(90).ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        await using var server = TestHttpServer.Sequence(
            TestResponse.Problem(429, "RATE_LIMITED", "slow down", new Dictionary<string, string> { ["Retry-After"] = at }));

        var result = await EnrollAsync(server);

        result.ShouldBeOfType<EnrollmentResult.RateLimited>().RetryAfter.ShouldBe(TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task Enroll_429WithoutRetryAfter_LeavesTheDelayToTheCaller()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Problem(429, "RATE_LIMITED", "slow down"));

        (await EnrollAsync(server)).ShouldBeOfType<EnrollmentResult.RateLimited>().RetryAfter.ShouldBeNull();
    }

    [Fact]
    public async Task Enroll_400_IsInvalidRequest_WithTheServersErrors()
    {
        await using var server = TestHttpServer.Sequence(new TestResponse(
            400,
            """{"status":400,"title":"Invalid request","detail":"One or more fields are invalid","code":"INVALID_REQUEST","errors":{"hostname":["must be at most 255 characters"]}}""",
            "application/problem+json"));

        var result = await EnrollAsync(server);

        result.ShouldBeOfType<EnrollmentResult.InvalidRequest>().Message.ShouldContain("hostname: must be at most 255 characters");
    }

    [Fact]
    public async Task Enroll_500_IsFailedWithStatusAndCode()
    {
        await using var server = TestHttpServer.Sequence(TestResponse.Problem(500, "INTERNAL_ERROR", "boom"));

        var result = await EnrollAsync(server);

        var failed = result.ShouldBeOfType<EnrollmentResult.Failed>();
        failed.StatusCode.ShouldBe(500);
        failed.Code.ShouldBe("INTERNAL_ERROR");
        failed.Message.ShouldContain("00-trace-01");
    }

    [Fact]
    public async Task Enroll_CodeWinsOverStatus()
    {
        // docs/api.md: clients branch on `code`; the status is the fallback.
        await using var server = TestHttpServer.Sequence(TestResponse.Problem(403, "ENROLL_REJECTED", "nope"));

        (await EnrollAsync(server)).ShouldBeOfType<EnrollmentResult.Rejected>();
    }

    [Fact]
    public async Task Enroll_404HtmlPage_TellsToCheckTheServerUrl()
    {
        await using var server = TestHttpServer.Sequence(new TestResponse(404, "<html>not here</html>", "text/html"));

        var failed = (await EnrollAsync(server)).ShouldBeOfType<EnrollmentResult.Failed>();

        failed.Message.ShouldContain("\"server\"");
    }

    [Theory]
    [InlineData(405, "")]
    [InlineData(404, "<html>not here</html>")]
    public async Task Enroll_AWrongUrlPath_SaysWhatTheServerAddressMustBe_AndExitsWithTheConfigCode(int status, string body)
    {
        await using var server = TestHttpServer.Sequence(new TestResponse(status, body, "text/html"));
        var wrong = new Uri(server.BaseAddress, "login");

        var result = await new EnrollmentClient(new HttpClient(), _time, _logs.For<EnrollmentClient>())
            .EnrollAsync(wrong, Request, TestContext.Current.CancellationToken);

        var failed = result.ShouldBeOfType<EnrollmentResult.Failed>();
        failed.Message.ShouldContain($"{wrong}/api/enroll answered {status}");
        failed.Message.ShouldContain("there is no GuruConnect enrollment endpoint at this address");
        failed.Message.ShouldContain("\"server\" in the agent config (or --server)");
        failed.Message.ShouldContain($"This address has the path /login: drop it (e.g. {server.BaseAddress.GetLeftPart(UriPartial.Authority)})");
        GuruConnect.Agent.Cli.EnrollCommand.ExitCodeFor(failed).ShouldBe(ExitCodes.ConfigInvalid);
    }

    [Fact]
    public async Task Enroll_201WithoutAKey_IsNotTreatedAsEnrolled()
    {
        await using var server = TestHttpServer.Sequence(new TestResponse(201, """{"machineId":"3f2b8c1e-8a4d-4f6e-9b1a-2c3d4e5f6a7b"}"""));

        (await EnrollAsync(server)).ShouldBeOfType<EnrollmentResult.Failed>();
    }

    [Fact]
    public async Task Enroll_NothingListening_IsUnreachable()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();

        var result = await new EnrollmentClient(http, _time, _logs.For<EnrollmentClient>())
            .EnrollAsync(new Uri($"http://127.0.0.1:{port}"), Request, TestContext.Current.CancellationToken);

        result.ShouldBeOfType<EnrollmentResult.Unreachable>().Message.ShouldContain($"127.0.0.1:{port}");
    }

    [Fact]
    public async Task Enroll_NeverLogsOrPrintsTheKeys()
    {
        foreach (var response in new[] { TestResponse.Enrolled(), TestResponse.Problem(401, "ENROLL_REJECTED", "x"), TestResponse.Pending() })
        {
            await using var server = TestHttpServer.Sequence(response);
            var result = await EnrollAsync(server);
            result.ToString().ShouldNotContain(TestKeys.MachineKey[4..]);
            result.Message.ShouldNotContain(TestKeys.MachineKey[4..]);
        }

        _logs.Entries.ShouldNotBeEmpty();
        _logs.AllText.ShouldNotContain(TestKeys.EnrollmentKey[4..]);
        _logs.AllText.ShouldNotContain(TestKeys.MachineKey[4..]);
        Request.ToString().ShouldNotContain(TestKeys.EnrollmentKey[4..]);
    }

    private Task<EnrollmentResult> EnrollAsync(TestHttpServer server, EnrollmentRequest? request = null)
    {
        var http = new HttpClient();
        return new EnrollmentClient(http, _time, _logs.For<EnrollmentClient>())
            .EnrollAsync(server.BaseAddress, request ?? Request, TestContext.Current.CancellationToken);
    }
}
