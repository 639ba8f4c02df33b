namespace GuruConnect.Server.Relay;

internal static class RelayExtensions
{
    /// <summary>Both WebSocket planes, viewer tokens, connection tracking and the relay's background work.</summary>
    public static IServiceCollection AddRelay(this IServiceCollection services)
    {
        services.AddOptions<RelayOptions>().BindConfiguration(RelayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ConnectionTracker>();
        services.AddSingleton<RelayMetrics>();
        services.AddSingleton<AgentAuthenticator>();
        services.AddSingleton<BootstrapProvisioner>();
        services.AddSingleton<AgentPlane>();
        services.AddSingleton<ViewerTokens>();
        services.AddSingleton<ViewerTokenUses>();
        services.AddSingleton<ViewerPlane>();
        services.AddSingleton<Heartbeats>();
        services.AddSingleton<LastSeenWriter>();
        services.AddSingleton<InventoryWriter>();
        services.AddSingleton<RelayMaintenance>();
        services.AddHostedService<RelayLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<RelayMaintenance>());
        return services;
    }

    /// <summary><c>/ws/agent</c> and <c>/ws/viewer</c>; both authenticate before the upgrade, so neither uses the REST scheme.</summary>
    public static IEndpointRouteBuilder MapRelay(this IEndpointRouteBuilder app)
    {
        app.Map("/ws/agent", (HttpContext context, AgentPlane plane) => plane.HandleAsync(context)).ExcludeFromDescription().AllowAnonymous();
        app.Map("/ws/viewer", (HttpContext context, ViewerPlane plane) => plane.HandleAsync(context)).ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}
