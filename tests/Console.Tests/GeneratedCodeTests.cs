using System.Text.Json.Nodes;

namespace GuruConnect.Console.Tests;

/// <summary>
/// The console's typed API client and protocol code are generated; these fail when the checked-in
/// copies no longer match the server's OpenAPI document or proto/guruconnect.proto
/// (regenerate with <c>npm run generate:api -- --from http://127.0.0.1:8080</c> / <c>npm run generate:proto</c> in src/Web).
/// </summary>
public sealed class GeneratedCodeTests
{
    [Fact]
    public async Task The_saved_openapi_document_is_what_the_server_serves()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        var served = JsonNode.Parse(await server.Client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!.AsObject();
        served.Remove("servers"); // the address the document was fetched from; generate-api.mjs leaves it out too
        var saved = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Web, "openapi", "v1.json"), TestContext.Current.CancellationToken));
        // The title names the host's entry assembly: "guruconnect-server | v1" in production, this test's name here.
        served["info"]!["title"] = saved!["info"]!["title"]!.GetValue<string>();
        if (!JsonNode.DeepEquals(served, saved))
        {
            await File.WriteAllTextAsync(Path.Combine(Repository.Output, "openapi-served.json"), served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), TestContext.Current.CancellationToken);
        }

        JsonNode.DeepEquals(served, saved).ShouldBeTrue(
            "src/Web/openapi/v1.json is stale: start the server and run `npm run generate:api -- --from http://127.0.0.1:8080` in src/Web, then commit.");
    }

    [Fact]
    public async Task The_typed_client_matches_the_saved_openapi_document()
    {
        Repository.RequireNodeModules();
        var (exitCode, output) = await Repository.RunAsync("node", Repository.Web, TimeSpan.FromMinutes(2), "scripts/generate-api.mjs", "--check");
        exitCode.ShouldBe(0, output);
    }

    [Fact]
    public async Task The_protocol_code_matches_the_proto()
    {
        Repository.RequireNodeModules();
        var (exitCode, output) = await Repository.RunAsync("node", Repository.Web, TimeSpan.FromMinutes(2), "scripts/generate-proto.mjs", "--check");
        exitCode.ShouldBe(0, output);
    }
}
