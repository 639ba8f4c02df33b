using GuruConnect.Agent.Logging;
using GuruConnect.Agent.Tests.Support;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Tests.Logging;

public sealed class RollingFileLoggerProviderTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void Write_OneFilePerUtcDay_KeepingTheNewestSeven()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 1, 1, 23, 30, 0, TimeSpan.FromHours(-2)));
        using (var provider = new RollingFileLoggerProvider(_directory.Path, time))
        {
            var log = provider.CreateLogger("Test");
            foreach (var day in Enumerable.Range(0, 10).Select(d => $"day {d}"))
            {
                log.Log(LogLevel.Information, default, day, null, (state, _) => state);
                time.Advance(TimeSpan.FromDays(1));
            }
        }

        var files = Directory.GetFiles(_directory.Path).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        files.Length.ShouldBe(RollingFileLoggerProvider.RetainedFiles);
        // 23:30 at UTC-2 is already the 2nd in UTC.
        files[0].ShouldBe("agent-20250105.log");
        files[^1].ShouldBe("agent-20250111.log");
        File.ReadAllText(Path.Combine(_directory.Path, files[^1])).ShouldContain("day 9");
    }

    [Fact]
    public void Write_CreatesTheFileOwnerOnly_AndTightensAnOldOne()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Unix file modes");
        var old = Path.Combine(_directory.Path, RollingFileLoggerProvider.FileNameFor(TimeProvider.System.GetUtcNow()));
        var fresh = Path.Combine(_directory.Path, "fresh");
        File.WriteAllText(old, "from an older agent\n");
        File.SetUnixFileMode(old, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using (var provider = new RollingFileLoggerProvider(_directory.Path, TimeProvider.System))
        using (var freshProvider = new RollingFileLoggerProvider(fresh, TimeProvider.System))
        {
            provider.CreateLogger("Test").LogWarning("a line");
            freshProvider.CreateLogger("Test").LogWarning("a line");
        }

        File.GetUnixFileMode(old).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var created = Directory.GetFiles(fresh).ShouldHaveSingleItem();
        File.GetUnixFileMode(created).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(fresh).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void Write_UnwritableFolder_IsSilentlyDisabled()
    {
        var blocked = Path.Combine(_directory.Path, "not-a-folder");
        File.WriteAllText(blocked, "");
        using var provider = new RollingFileLoggerProvider(Path.Combine(blocked, "logs"), TimeProvider.System);

        Should.NotThrow(() => provider.CreateLogger("Test").LogError("still running"));
    }

    [Fact]
    public void Format_HasTimeLevelCategoryEventAndMessage()
    {
        var line = LogLine.Format(
            new DateTimeOffset(2025, 1, 2, 3, 4, 5, 6, TimeSpan.Zero), LogLevel.Warning, "GuruConnect.Agent.Enrollment.EnrollmentFlow", new EventId(5102, "Pending"), "waiting", null);

        line.ShouldBe("2025-01-02T03:04:05.006Z WRN EnrollmentFlow[5102] Pending: waiting");
    }

    public void Dispose() => _directory.Dispose();
}
