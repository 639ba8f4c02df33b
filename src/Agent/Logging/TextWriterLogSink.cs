namespace GuruConnect.Agent.Logging;

/// <summary>Writes to stderr under a service, so journald / the console receive every line.</summary>
internal sealed class TextWriterLogSink(TextWriter writer) : ILogSink
{
    private readonly Lock _gate = new();

    public void Write(in LogEntry entry)
    {
        var line = LogFormatter.Format(entry);
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
