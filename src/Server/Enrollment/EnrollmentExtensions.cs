namespace GuruConnect.Server.Enrollment;

internal static class EnrollmentExtensions
{
    public static IServiceCollection AddEnrollment(this IServiceCollection services)
    {
        services.AddOptions<EnrollmentOptions>().BindConfiguration(EnrollmentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<VerifiedKeyCache>();
        services.AddSingleton<EnrollmentService>();
        return services;
    }
}
