namespace GuruConnect.Server.Users;

/// <summary>Event ids 1300–1399.</summary>
internal static partial class UsersLog
{
    [LoggerMessage(1300, LogLevel.Warning, "No users existed: created user 'admin' with {PasswordSource}")]
    public static partial void AdminCreated(ILogger logger, string passwordSource);
}
