using GuruConnect.Agent.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Update;

/// <summary>The updater's services (docs/agent.md "Updates"); <c>run</c> adds <see cref="UpdateService"/>, <c>update</c> uses them directly.</summary>
internal static class UpdateServices
{
    public static IServiceCollection AddUpdates(this IServiceCollection services)
    {
        services.AddSingleton(sp => UpdateSettings.FromEnvironment(name => sp.GetRequiredService<IConfiguration>()[name]));
        services.AddSingleton(_ => ReleaseKey.FromAssembly(typeof(Updater).Assembly));
        services.AddSingleton(_ => InstalledBinary.OfThisProcess());
        services.AddSingleton(sp => new UpdateStateFile(Path.Combine(sp.GetRequiredService<AgentPaths>().StateDirectory, "update.json")));
        services.AddSingleton<IBinaryProbe, ProcessBinaryProbe>();
        // The platform's own certificate validation, nothing configured on the handler: docs/security.md §20.
        services.AddHttpClient<UpdateClient>(client =>
        {
            client.Timeout = TimeSpan.FromSeconds(60);
            client.DefaultRequestHeaders.UserAgent.ParseAdd($"guruconnect-agent/{Hosting.AgentHost.Version}");
        });
        services.AddSingleton(sp => new Updater(
            sp.GetRequiredService<UpdateClient>(),
            sp.GetRequiredService<ReleaseKey>(),
            sp.GetRequiredService<InstalledBinary>(),
            sp.GetRequiredService<UpdateStateFile>(),
            sp.GetRequiredService<IBinaryProbe>(),
            sp.GetRequiredService<UpdateSettings>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Updater>>()));
        services.AddSingleton<UpdateGuard>();
        return services;
    }
}
