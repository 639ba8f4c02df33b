namespace GuruConnect.Server.Users;

internal static class UsersExtensions
{
    /// <summary>User rows and the first admin.</summary>
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddSingleton<UserStore>();
        services.AddSingleton<AdminBootstrap>();
        return services;
    }
}
