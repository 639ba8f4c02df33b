namespace GuruConnect.Server.Sessions;

internal static class SessionsExtensions
{
    /// <summary>The session registry (the state a server node holds alone), ending sessions, the reaper, restore after a restart.</summary>
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<SessionTerminator>();
        services.AddSingleton<SessionReaper>();
        services.AddHostedService<SessionRestore>();
        return services;
    }
}
