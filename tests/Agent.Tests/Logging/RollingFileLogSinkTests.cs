using GuruConnect.Agent.Logging;
using GuruConnect.Agent.Tests.Support;

namespace GuruConnect.Agent.Tests.Logging;

public sealed class RollingFileLogSinkTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void Write_OneFilePerUtcDay_KeepingTheNewestSeven()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 1, 1, 23, 30, 0, TimeSpan.FromHours(-2)));
        using (var sink = new RollingFileLogSink(_directory.Path))
        {
            var log = new AgentLogger(time, AgentLogLevel.Information, [sink]);
            for (var day = 0; day < 10; day++)
            {
                log.Log(AgentLogLevel.Information, "Test", 1, "Line", $"day {day}");
                time.Advance(TimeSpan.FromDays(1));
            }
        }

        var files = Directory.GetFiles(_directory.Path).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        files.Length.ShouldBe(RollingFileLogSink.RetainedFiles);
        // 23:30 at UTC-2 is already the 2nd in UTC.
        files[0].ShouldBe("agent-20250105.log");
        files[^1].ShouldBe("agent-20250111.log");
        File.ReadAllText(Path.Combine(_directory.Path, files[^1])).ShouldContain("day 9");
    }

    [Fact]
    public void Write_UnwritableFolder_IsSilentlyDisabled()
    {
        var blocked = Path.Combine(_directory.Path, "not-a-folder");
        File.WriteAllText(blocked, "");
        using var sink = new RollingFileLogSink(Path.Combine(blocked, "logs"));
        var log = new AgentLogger(TimeProvider.System, AgentLogLevel.Information, [sink]);

        Should.NotThrow(() => log.Log(AgentLogLevel.Error, "Test", 1, "Line", "still running"));
    }

    [Fact]
    public void Format_HasTimeLevelCategoryEventAndMessage()
    {
        var entry = new LogEntry(new DateTimeOffset(2025, 1, 2, 3, 4, 5, 6, TimeSpan.Zero), AgentLogLevel.Warning, "Enrollment", 1302, "Pending", "waiting", null);

        LogFormatter.Format(entry).ShouldBe("2025-01-02T03:04:05.006Z WRN Enrollment[1302] Pending: waiting");
    }

    public void Dispose() => _directory.Dispose();
}
