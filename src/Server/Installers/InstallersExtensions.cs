namespace GuruConnect.Server.Installers;

internal static class InstallersExtensions
{
    public static IServiceCollection AddInstallers(this IServiceCollection services)
    {
        services.AddOptions<InstallerOptions>().BindConfiguration(InstallerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<InstallerSites>();
        services.AddSingleton<InstallerBuilder>();
        services.AddSingleton<InstallerLinks>();
        services.AddSingleton<InstallerLinkGuard>();
        services.AddSingleton<CodeSigner>();
        services.AddSingleton<MsiInstaller>();
        services.AddSingleton<DebInstaller>();
        return services;
    }
}
