using System.Globalization;

namespace GuruConnect.Agent.Logging;

/// <summary>
/// <c>&lt;state&gt;/logs/agent-YYYYMMDD.log</c>, one file per UTC day, the newest
/// <see cref="RetainedFiles"/> kept (spec 03: "a rolling file"). A log that cannot be written
/// never stops the agent: the sink switches itself off and stderr still has every line.
/// </summary>
internal sealed class RollingFileLogSink(string directory) : ILogSink, IDisposable
{
    public const int RetainedFiles = 7;

    private readonly Lock _gate = new();
    private StreamWriter? _writer;
    private string? _currentFile;
    private bool _disabled;

    public void Write(in LogEntry entry)
    {
        var line = LogFormatter.Format(entry);
        var fileName = FileNameFor(entry.Timestamp);
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

    public static string FileNameFor(DateTimeOffset timestamp) =>
        string.Create(CultureInfo.InvariantCulture, $"agent-{timestamp.UtcDateTime:yyyyMMdd}.log");

    private void Open(string fileName)
    {
        _writer?.Dispose();
        Directory.CreateDirectory(directory);
        var stream = new FileStream(Path.Combine(directory, fileName), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
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

    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
            _currentFile = null;
        }
    }
}
