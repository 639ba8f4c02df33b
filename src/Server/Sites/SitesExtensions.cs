namespace GuruConnect.Server.Sites;

internal static class SitesExtensions
{
    /// <summary>Sites and their enrollment keys.</summary>
    public static IServiceCollection AddSites(this IServiceCollection services)
    {
        services.AddSingleton<SiteStore>();
        return services;
    }
}
