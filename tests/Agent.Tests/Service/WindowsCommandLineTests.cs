using GuruConnect.Agent.Service;

namespace GuruConnect.Agent.Tests.Service;

public sealed class WindowsCommandLineTests
{
    [Fact]
    public void BuildBinPath_QuotesTheExecutable_EvenWithoutSpaces()
    {
        WindowsCommandLine.BuildBinPath([@"C:\Program Files\GuruConnect\guruconnect-agent.exe"])
            .ShouldBe("\"C:\\Program Files\\GuruConnect\\guruconnect-agent.exe\" run --service");
        WindowsCommandLine.BuildBinPath([@"C:\GuruConnect\agent.exe"])
            .ShouldBe("\"C:\\GuruConnect\\agent.exe\" run --service");
    }

    [Fact]
    public void BuildBinPath_UnderDotnet_PassesTheDll()
    {
        WindowsCommandLine.BuildBinPath([@"C:\Program Files\dotnet\dotnet.exe", @"C:\Program Files\GuruConnect\guruconnect-agent.dll"])
            .ShouldBe("\"C:\\Program Files\\dotnet\\dotnet.exe\" \"C:\\Program Files\\GuruConnect\\guruconnect-agent.dll\" run --service");
    }

    [Fact]
    public void BuildBinPath_RefusesAQuoteInThePath()
    {
        Should.Throw<ArgumentException>(() => WindowsCommandLine.BuildBinPath(["C:\\evil\" run.exe"]));
    }

    [Theory]
    [InlineData("simple", "simple")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData(@"C:\dir\", @"C:\dir\")]
    [InlineData(@"C:\my dir\", "\"C:\\my dir\\\\\"")]
    [InlineData("", "\"\"")]
    public void QuoteArgument_FollowsCommandLineToArgvRules(string argument, string expected)
    {
        WindowsCommandLine.QuoteArgument(argument).ShouldBe(expected);
    }
}
