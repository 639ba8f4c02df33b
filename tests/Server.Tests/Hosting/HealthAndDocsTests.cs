using GuruConnect.Server.Data;
using GuruConnect.Server.Health;
using GuruConnect.Server.Hosting;

namespace GuruConnect.Server.Tests.Hosting;

public sealed class HealthAndDocsTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Healthz_and_readyz_are_200_when_the_database_answers(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        (await server.Client.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("status").GetString().ShouldBe("ok");
        (await server.Client.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Readyz_is_503_when_the_database_does_not_answer()
    {
        // A PostgreSQL address where nothing listens.
        var database = new Database(DatabaseProvider.Postgres, "Host=127.0.0.1;Port=1;Timeout=1;Database=none;Username=none");
        var result = await HealthApi.ReadyAsync(database, CancellationToken.None);
        var json = result.Result.ShouldBeOfType<Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<HealthResponse>>();
        json.StatusCode.ShouldBe(503);
    }

    [Fact]
    public async Task OpenApi_document_and_docs_page_are_served()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        var document = await server.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        document.GetProperty("openapi").GetString()!.ShouldStartWith("3.1");
        document.GetProperty("paths").TryGetProperty("/api/auth/login", out _).ShouldBeTrue();

        using var docs = await server.Client.GetAsync("/api/docs/index.html");
        docs.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_http_counts()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        (await server.Client.GetAsync("/healthz")).Dispose();

        using var response = await server.Client.GetAsync("/metrics");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("# TYPE guruconnect_http_requests_total counter");
        text.ShouldContain("guruconnect_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}");
        text.ShouldContain("guruconnect_http_request_duration_seconds_bucket");
        // Explicit buckets in seconds (the exporter's defaults are milliseconds-sized: 0, 5, 10, 25 …).
        text.ShouldContain("guruconnect_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",status=\"200\",le=\"0.005\"}");
    }

    [Fact]
    public async Task Metrics_can_live_on_their_own_port_which_serves_nothing_else()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var server = await GuruServer.StartAsync(DbKind.Sqlite, $"--Metrics:Url=http://127.0.0.1:{port}");
        server.BaseAddress.Port.ShouldNotBe(port);
        using var metricsPort = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        (await server.Client.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using (var metrics = await metricsPort.GetAsync("/metrics"))
        {
            metrics.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await metrics.Content.ReadAsStringAsync()).ShouldContain("guruconnect_http_requests_total");
        }

        (await server.Client.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await server.Client.GetAsync("/metrics/")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await server.Client.GetAsync("/METRICS")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await metricsPort.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await metricsPort.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = GuruServer.AdminPassword })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public void A_metrics_url_without_the_servers_own_urls_stops_start_up()
    {
        var failure = Should.Throw<InvalidOperationException>(() => ServerApp.Build(["--Metrics:Url=http://127.0.0.1:9464"]));
        failure.Message.ShouldContain("--urls");
    }

    [Theory]
    [InlineData("https://127.0.0.1:9464")]
    [InlineData("http://127.0.0.1")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("not a url")]
    public async Task A_metrics_url_without_its_own_http_port_stops_start_up(string url)
    {
        var failure = await Should.ThrowAsync<InvalidOperationException>(() => GuruServer.StartAsync(DbKind.Sqlite, $"--Metrics:Url={url}"));
        failure.Message.ShouldContain("Metrics:Url");
    }
}
