using System.Text;

namespace GuruConnect.Server.Tests.Hosting;

public sealed class ErrorsTests
{
    [Theory]
    [InlineData("{bad json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"username\": 42, \"password\": {}}")]
    [InlineData("")]
    public async Task Malformed_json_is_400_problem_never_500(string body)
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await server.Client.PostAsync("/api/auth/login", content);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        problem.TryGetProperty("errors", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Malformed_json_on_an_authenticated_route_is_400_too()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var admin = await server.AdminClientAsync();
        using var content = new StringContent("{\"username\":", Encoding.UTF8, "application/json");

        using var response = await admin.PostAsync("/api/users", content);
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
    }

    [Fact]
    public async Task Unknown_api_route_is_404_problem_not_the_console_page()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var response = await server.Client.GetAsync("/api/does-not-exist");
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Wrong_method_on_an_api_route_is_405_problem()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var response = await server.Client.DeleteAsync("/api/auth/login");
        await response.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task Oversized_body_is_refused_with_a_problem()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        var huge = "{\"username\":\"" + new string('a', 2 * 1024 * 1024) + "\",\"password\":\"x\"}";
        using var content = new StringContent(huge, Encoding.UTF8, "application/json");

        using var response = await server.Client.PostAsync("/api/auth/login", content);
        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Non_api_paths_get_the_console_page()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var response = await server.Client.GetAsync("/machines/some-id");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
    }
}
