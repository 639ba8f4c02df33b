namespace GuruConnect.Server.SupportCodes;

internal static class SupportCodesExtensions
{
    public static IServiceCollection AddSupportCodes(this IServiceCollection services)
    {
        services.AddOptions<SupportCodeOptions>().BindConfiguration(SupportCodeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SupportCodeStore>();
        services.AddSingleton<SupportCodeGuard>();
        services.AddSingleton<SupportSessions>();
        return services;
    }
}
