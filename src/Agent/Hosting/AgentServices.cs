using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Enrollment;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Platform;
using GuruConnect.Agent.Service;
using GuruConnect.Agent.State;
using GuruConnect.Agent.Support;
using GuruConnect.Agent.Transport;
using GuruConnect.Agent.Update;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Hosting;

/// <summary>The platform-neutral services every command shares; the OS parts come from <see cref="PlatformServices"/>.</summary>
internal static class AgentServices
{
    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddAgent(this IServiceCollection services, AgentHostOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Random.Shared);
        services.AddSingleton<AgentExit>();
        services.AddSingleton(new LinkSettings());
        services.AddSingleton(sp => AgentPaths.Resolve(name => sp.GetRequiredService<IConfiguration>()[name]));
        services.AddSingleton(sp => new AgentStateFile(sp.GetRequiredService<AgentPaths>().StateFilePath, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new IdentityProvider(sp.GetRequiredService<IHardwareInfo>()));

        services.AddHttpClient<EnrollmentClient>(ConfigureHttp);
        services.AddHttpClient<SupportCodeClient>(ConfigureHttp);
        services.AddTransient(sp =>
        {
            var paths = sp.GetRequiredService<AgentPaths>();
            var random = sp.GetRequiredService<Random>();
            return new EnrollmentFlow(
                paths,
                sp.GetRequiredService<IdentityProvider>(),
                sp.GetRequiredService<CredentialProtection>().For,
                sp.GetRequiredService<EnrollmentClient>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<EnrollmentFlow>>(),
                sp.GetRequiredService<LocalMachine>().HostName,
                random.NextDouble);
        });

        services.AddSingleton<LinkConnector>();
        services.AddSingleton<IAgentLink, AgentLink>();
        services.AddUpdates();                  // Update/UpdateServices.cs
        return services;
    }

    private static void ConfigureHttp(HttpClient client)
    {
        client.Timeout = HttpTimeout;
        client.DefaultRequestHeaders.UserAgent.ParseAdd($"guruconnect-agent/{AgentHost.Version}");
    }
}
