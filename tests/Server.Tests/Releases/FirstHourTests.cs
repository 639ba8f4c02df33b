using System.Net.Sockets;
using GuruConnect.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace GuruConnect.Server.Tests.Releases;

/// <summary>What a new admin meets in the first hour: a busy port, and API docs that can send a token.</summary>
public sealed class FirstHourTests
{
    [Fact]
    public void A_busy_port_is_one_line_naming_the_port_and_the_setting_that_changes_it()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = $"http://127.0.0.1:{port}" }).Build();

        var message = PortCheck.BusyPortMessage(configuration);

        message.ShouldNotBeNull();
        message.ShouldNotContain("\n");
        message.ShouldContain($"port {port}");
        message.ShouldContain("GURUCONNECT_URLS=");
        message.ShouldContain("--urls");

        holder.Stop();
        PortCheck.BusyPortMessage(configuration).ShouldBeNull();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_openapi_document_declares_the_bearer_scheme(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);

        var document = await server.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        scheme.GetProperty("type").GetString().ShouldBe("http");
        scheme.GetProperty("scheme").GetString().ShouldBe("bearer");
        scheme.GetProperty("description").GetString()!.ShouldContain("/api/auth/login");
        document.GetProperty("security").EnumerateArray().Any(r => r.TryGetProperty("Bearer", out _)).ShouldBeTrue();
    }
}
