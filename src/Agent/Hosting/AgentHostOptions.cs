using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Hosting;

/// <summary>
/// What a command's host takes from outside: the console the person reads, the settings (the
/// environment variables, or a test's own), and a test's replacements for the OS seams.
/// </summary>
/// <param name="Out">Messages for the person at the console (stdout).</param>
/// <param name="Error">Failures for the person at the console (stderr).</param>
internal sealed record AgentHostOptions(TextWriter Out, TextWriter Error)
{
    /// <summary>Read on top of the environment (or instead of it, see <see cref="ReadEnvironment"/>).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>False in tests, so a developer's own <c>GURUCONNECT_*</c> variables do not leak in.</summary>
    public bool ReadEnvironment { get; init; } = true;

    /// <summary>Log lines to the console (stderr; journald's format under systemd). Tests capture them instead.</summary>
    public bool LogToConsole { get; init; } = true;

    /// <summary>Runs last: a test replaces seams (hardware, clock, privileges) here.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    public static AgentHostOptions ForProcess() => new(Console.Out, Console.Error);
}
