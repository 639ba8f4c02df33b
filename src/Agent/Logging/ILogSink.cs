namespace GuruConnect.Agent.Logging;

/// <summary>Where log lines go: stderr (journald picks it up), a rolling file, or a test.</summary>
internal interface ILogSink
{
    void Write(in LogEntry entry);
}
