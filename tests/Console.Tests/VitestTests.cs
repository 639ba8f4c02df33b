namespace GuruConnect.Console.Tests;

/// <summary>
/// The console's unit tests (src/Web/test: tile decoder, input mapping, API client wrapper) run by
/// Vitest, reported here so they count in the suite's summary and a failure fails the run.
/// </summary>
public sealed class VitestTests
{
    [Fact]
    public async Task The_vitest_suite_passes()
    {
        Repository.RequireNodeModules();
        var report = Path.Combine(Repository.Output, "vitest.json");
        var (exitCode, output) = await Repository.RunAsync(
            "node", Repository.Web, TimeSpan.FromMinutes(5),
            "node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", $"--outputFile.json={report}");
        TestContext.Current.SendDiagnosticMessage(output);
        File.Exists(report).ShouldBeTrue($"vitest wrote no report:\n{output}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken));
        var total = json.RootElement.GetProperty("numTotalTests").GetInt32();
        var failed = json.RootElement.GetProperty("numFailedTests").GetInt32();
        total.ShouldBeGreaterThan(0, output);
        failed.ShouldBe(0, output);
        exitCode.ShouldBe(0, output);
    }
}
