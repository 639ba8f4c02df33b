namespace GuruConnect.Server.Machines;

internal static class MachinesExtensions
{
    public static IServiceCollection AddMachines(this IServiceCollection services)
    {
        services.AddSingleton<MachineStore>();
        services.AddSingleton<MachineKeyStore>();
        services.AddSingleton<MachineSearch>();
        services.AddSingleton<MachinePresence>();
        services.AddSingleton<MachineLifecycle>();
        return services;
    }
}
