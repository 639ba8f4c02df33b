using System.Reflection;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Logging;
using GuruConnect.Agent.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace GuruConnect.Agent.Hosting;

/// <summary>The composition root: one generic host per command, the same services for all of them.</summary>
internal static class AgentHost
{
    public const string LogLevelVariable = "GURUCONNECT_LOG_LEVEL";

    public static string Version { get; } =
        typeof(AgentHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <param name="options">The console, the settings and a test's replacements.</param>
    /// <param name="logToFile"><c>run</c> and <c>enroll</c> keep the rolling file; <c>support</c> writes nothing.</param>
    /// <param name="level">The level when <c>GURUCONNECT_LOG_LEVEL</c> does not say.</param>
    public static HostApplicationBuilder CreateBuilder(AgentHostOptions options, bool logToFile, LogLevel level = LogLevel.Information)
    {
        // No appsettings.json and no file watchers: the agent's settings are agent.json and the
        // environment (docs/agent.md "Config").
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "guruconnect-agent",
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (options.ReadEnvironment)
        {
            builder.Configuration.AddEnvironmentVariables();
        }

        builder.Configuration.AddInMemoryCollection(options.Settings);
        builder.Services.AddAgent(options);     // AgentServices.cs: paths, clock, enrollment, transport
        AddLogging(builder, options, logToFile, level);
        builder.AddPlatform();                  // Platform/PlatformServices.cs: the one OS switch
        options.ConfigureServices?.Invoke(builder.Services);
        return builder;
    }

    /// <summary>Reads <c>GURUCONNECT_LOG_LEVEL</c> (trace, debug, information, warning, error); anything else is <paramref name="fallback"/>.</summary>
    public static LogLevel ParseLevel(string? value, LogLevel fallback) => value?.Trim().ToUpperInvariant() switch
    {
        "TRACE" => LogLevel.Trace,
        "DEBUG" => LogLevel.Debug,
        "INFORMATION" or "INFO" => LogLevel.Information,
        "WARNING" or "WARN" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        _ => fallback,
    };

    private static void AddLogging(HostApplicationBuilder builder, AgentHostOptions options, bool logToFile, LogLevel level)
    {
        var logging = builder.Logging;
        logging.ClearProviders();
        logging.SetMinimumLevel(ParseLevel(builder.Configuration[LogLevelVariable], level));
        // The host's and HttpClient's own chatter ("Application started", every request) is not the agent's story.
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        if (options.LogToConsole)
        {
            // stderr keeps stdout for the person's answers; under systemd, Platform/ switches the
            // formatter to journald's "<6>" priority prefixes.
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
            builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        if (logToFile)
        {
            logging.Services.AddSingleton<ILoggerProvider>(services =>
                new RollingFileLoggerProvider(services.GetRequiredService<AgentPaths>().LogDirectory, services.GetRequiredService<TimeProvider>()));
        }

        options.ConfigureLogging?.Invoke(logging);
    }
}
