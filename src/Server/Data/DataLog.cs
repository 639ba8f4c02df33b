namespace GuruConnect.Server.Data;

/// <summary>Event ids 1000–1099.</summary>
internal static partial class DataLog
{
    [LoggerMessage(1000, LogLevel.Information, "Applied migration {Migration} ({Provider})")]
    public static partial void MigrationApplied(ILogger logger, string migration, DatabaseProvider provider);

    [LoggerMessage(1001, LogLevel.Information, "Database: {Provider} {Location}")]
    public static partial void DatabaseSelected(ILogger logger, DatabaseProvider provider, string location);
}
