using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Streaming;

/// <summary>Screen-streaming events, ids 5400–5499. Never clipboard or key text: sizes and names only.</summary>
internal static partial class StreamingLog
{
    [LoggerMessage(5400, LogLevel.Information, "Screen streaming started: {Displays} display(s)", EventName = "StreamingStarted")]
    public static partial void Started(ILogger logger, int displays);

    [LoggerMessage(5401, LogLevel.Information, "Screen streaming stopped", EventName = "StreamingStopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(5402, LogLevel.Warning, "No screen to stream: {Reason}", EventName = "NoScreen")]
    public static partial void NoScreen(ILogger logger, string reason);

    [LoggerMessage(5403, LogLevel.Warning, "Screen streaming failed; viewers see no further frames", EventName = "StreamingFailed")]
    public static partial void Failed(ILogger logger, Exception exception);
}
