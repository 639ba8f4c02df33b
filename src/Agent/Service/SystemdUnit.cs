using System.Text;
using GuruConnect.Agent.Config;

namespace GuruConnect.Agent.Service;

/// <summary>The <c>guruconnect-agent.service</c> unit (docs/agent.md "Run modes"), as a pure function of its inputs.</summary>
internal static class SystemdUnit
{
    public const string UnitName = "guruconnect-agent.service";
    public const string DefaultDirectory = "/etc/systemd/system";
    public const string DirectoryVariable = "GURUCONNECT_SYSTEMD_DIR";
    public const string SkipSystemctlVariable = "GURUCONNECT_SKIP_SYSTEMCTL";

    /// <summary>A hung agent is restarted after this long without a watchdog ping.</summary>
    public static readonly TimeSpan WatchdogTimeout = TimeSpan.FromSeconds(60);

    public static string Render(IReadOnlyList<string> command, AgentPaths paths)
    {
        var execStart = string.Join(' ', command.Append("run").Select(Quote));
        var configDirectory = Path.GetDirectoryName(Path.GetFullPath(paths.ConfigPath))!;
        var builder = new StringBuilder();
        builder.Append($"""
            [Unit]
            Description=GuruConnect remote support agent
            Wants=network-online.target
            After=network-online.target

            [Service]
            # Microsoft.Extensions.Hosting.Systemd: READY=1 once the host has started, STOPPING=1 on
            # SIGTERM, and a WATCHDOG=1 ping every WatchdogSec / 2 (Platform/Linux/SystemdWatchdog.cs).
            Type=notify
            NotifyAccess=main
            WatchdogSec={(int)WatchdogTimeout.TotalSeconds}
            ExecStart={execStart}
            {GuardLine(command)}Restart=always
            RestartSec=5
            # 3 (config missing or invalid) and 9 (stored credential unreadable) need a person:
            # restarting every 5 s cannot fix them. Fix, then `systemctl restart guruconnect-agent`.
            RestartPreventExitStatus=3 9
            User=root
            KillSignal=SIGTERM
            TimeoutStopSec=15

            """);
        if (!paths.IsSystemWide)
        {
            builder.Append($"Environment={Quote($"{AgentPaths.ConfigVariable}={paths.ConfigPath}")}\n");
            builder.Append($"Environment={Quote($"{AgentPaths.StateVariable}={paths.StateDirectory}")}\n");
        }

        // Hardening that leaves what the agent needs later: X11 sockets in /tmp (no PrivateTmp),
        // the user's Xauthority (no ProtectHome), MIT-SHM (no PrivateIPC), and the JIT (no
        // MemoryDenyWriteExecute). The config is rewritten after enrollment, hence its folder.
        builder.Append($"""
            NoNewPrivileges=true
            ProtectSystem=full
            ReadWritePaths={Quote("-" + configDirectory)} {Quote("-" + paths.StateDirectory)}
            ProtectKernelTunables=true
            ProtectKernelModules=true
            ProtectControlGroups=true
            RestrictSUIDSGID=true
            LockPersonality=true

            [Install]
            WantedBy=multi-user.target

            """);
        return builder.ToString();
    }

    /// <summary>
    /// Before every start the previous binary (kept by an update) puts itself back if the new one's trial
    /// ran out without a connection — even a new binary that cannot start at all (docs/agent.md "Updates").
    /// "-": no previous binary yet, or a failing guard, never keeps the service from starting. Under
    /// <c>dotnet</c> nothing updates itself, so nothing to guard.
    /// </summary>
    private static string GuardLine(IReadOnlyList<string> command) => command.Count == 1
        ? $"ExecStartPre=-{Quote(Update.InstalledBinary.PreviousPathOf(command[0]))} update --guard\n"
        : "";

    /// <summary>
    /// One word of a systemd command line or setting: double-quoted when it holds anything
    /// systemd would split or expand, with <c>%</c> and <c>$</c> doubled (systemd.unit specifiers,
    /// systemd.service variable expansion).
    /// </summary>
    public static string Quote(string word)
    {
        var escaped = word.Replace("%", "%%", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal);
        var needsQuotes = escaped.Length == 0 || escaped.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\' or ';');
        if (!needsQuotes)
        {
            return escaped;
        }

        return "\"" + escaped.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
