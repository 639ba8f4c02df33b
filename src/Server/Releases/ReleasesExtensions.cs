using GuruConnect.Server.Installers;

namespace GuruConnect.Server.Releases;

internal static class ReleasesExtensions
{
    /// <summary>Releases/: the downloads folder, versions, changelog, the /support page and per-site installers.</summary>
    public static IServiceCollection AddReleases(this IServiceCollection services)
    {
        services.AddOptions<ReleaseOptions>().BindConfiguration(ReleaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReleaseCatalog>();
        services.AddSingleton<Changelog>();
        services.AddInstallers();
        return services;
    }
}
