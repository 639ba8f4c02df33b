namespace GuruConnect.Server.Audit;

internal static class AuditExtensions
{
    /// <summary>The audit log: written by every feature, read at <c>/api/events</c>.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditQuery>();
        return services;
    }
}
