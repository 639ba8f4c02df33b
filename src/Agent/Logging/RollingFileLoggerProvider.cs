using System.Globalization;
using GuruConnect.Agent.Platform;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Logging;

/// <summary>
/// <c>&lt;state&gt;/logs/agent-YYYYMMDD.log</c>, one file per UTC day, the newest
/// <see cref="RetainedFiles"/> kept (docs/agent.md "Logs"). On Linux every file is created 0600 and
/// the folder 0700: log lines name paths, fingerprints and technicians, which other local users need
/// not read. Kept as our own small provider rather than Serilog.Sinks.File because that sink creates
/// files with the process umask (0644) and offers no create-mode option, so a chmod after the fact
/// would leave a window. A log that cannot be written never stops the agent: the provider switches
/// itself off and the console still has every line.
/// </summary>
internal sealed class RollingFileLoggerProvider(string directory, TimeProvider time) : ILoggerProvider
{
    public const int RetainedFiles = 7;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly Lock _gate = new();
    private StreamWriter? _writer;
    private string? _currentFile;
    private bool _disabled;

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public static string FileNameFor(DateTimeOffset timestamp) =>
        string.Create(CultureInfo.InvariantCulture, $"agent-{timestamp.UtcDateTime:yyyyMMdd}.log");

    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
            _currentFile = null;
            _disabled = true;
        }
    }

    private void Write(string category, LogLevel level, EventId eventId, string message, Exception? exception)
    {
        var now = time.GetUtcNow();
        var line = LogLine.Format(now, level, category, eventId, message, exception);
        var fileName = FileNameFor(now);
        lock (_gate)
        {
            if (_disabled)
            {
                return;
            }

            try
            {
                if (_currentFile != fileName)
                {
                    Open(fileName);
                }

                _writer!.WriteLine(line);
                _writer.Flush();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _disabled = true;
                _writer?.Dispose();
                _writer = null;
            }
        }
    }

    private void Open(string fileName)
    {
        _writer?.Dispose();
        SecureDirectory.Ensure(directory);
        var options = new FileStreamOptions
        {
            Mode = System.IO.FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        var path = Path.Combine(directory, fileName);
        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            // A file left by an older agent (0644) is tightened too; UnixCreateMode covers new files only.
            File.SetUnixFileMode(stream.SafeFileHandle, FileMode);
        }

        _writer = new StreamWriter(stream);
        _currentFile = fileName;
        Prune();
    }

    private void Prune()
    {
        // yyyyMMdd names sort chronologically.
        var old = Directory.GetFiles(directory, "agent-*.log")
            .OrderDescending(StringComparer.Ordinal)
            .Skip(RetainedFiles);
        foreach (var file in old)
        {
            File.Delete(file);
        }
    }

    private sealed class FileLogger(RollingFileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(category, logLevel, eventId, formatter(state, exception), exception);
            }
        }
    }
}
