using GuruConnect.Agent.Support;

namespace GuruConnect.Agent.Tests.Support;

/// <summary>docs/agent.md "support": the downloaded support agent reads its code from its own file name.</summary>
public sealed class SupportLaunchTests
{
    [Theory]
    [InlineData(@"C:\Users\jane\Downloads\GuruConnect-123456.exe", "123456")]
    [InlineData("/home/jane/Downloads/GuruConnect-123456 (1).exe", "123456")]
    [InlineData("/home/jane/Downloads/guruconnect-support-654321", "654321")]
    [InlineData("/opt/guruconnect/guruconnect-agent", null)]
    [InlineData("/tmp/GuruConnect-12345.exe", null)]
    [InlineData("/tmp/GuruConnect-1234567.exe", null)]
    [InlineData("/tmp/GuruConnect-12345a.exe", null)]
    public void The_code_comes_from_the_file_name(string path, string? code) =>
        SupportLaunch.CodeFromFileName(path.Replace('\\', '/')).ShouldBe(code);

    [Fact]
    public void No_arguments_under_a_support_name_run_the_support_command_with_the_server_from_the_environment()
    {
        var args = SupportLaunch.Arguments([], "/tmp/guruconnect-support-123456", name => name == SupportLaunch.ServerVariable ? "https://connect.example.com" : null);
        args.ShouldBe(["support", "--server", "https://connect.example.com", "--code", "123456"]);
    }

    [Fact]
    public void Arguments_given_or_another_name_are_left_alone()
    {
        SupportLaunch.Arguments(["status"], "/tmp/guruconnect-support-123456", _ => null).ShouldBe(["status"]);
        SupportLaunch.Arguments([], "/opt/guruconnect/guruconnect-agent", _ => "https://x.example").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("https://connect.example.com/download/support/123456?platform=win-x64", "https://connect.example.com")]
    [InlineData("https://example.com:8443/gc/download/support/123456", "https://example.com:8443/gc")]
    [InlineData("http://127.0.0.1:8080/support", "http://127.0.0.1:8080")]
    [InlineData("file:///tmp/x", null)]
    [InlineData("not a url", null)]
    [InlineData(null, null)]
    public void The_server_is_where_the_browser_downloaded_it_from(string? origin, string? server) =>
        SupportLaunch.ServerFromOriginUrl(origin).ShouldBe(server);
}
