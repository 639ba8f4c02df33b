namespace GuruConnect.Server.Audit;

/// <summary>Event ids 1100–1199.</summary>
internal static partial class AuditLogMessages
{
    [LoggerMessage(1100, LogLevel.Error, "Could not write audit event {Type}; the action itself went ahead")]
    public static partial void WriteFailed(ILogger logger, string type, Exception exception);
}
