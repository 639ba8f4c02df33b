namespace GuruConnect.Agent.Platform.Linux.X11;

/// <summary>A local login session as logind reports it (<c>loginctl show-session</c>).</summary>
internal sealed record GraphicalSession(string Id, string Type, string Display, uint Uid, bool Active, bool Remote);

/// <summary>Which X display to open and with which cookie file (null: Xlib's default), and where that came from.</summary>
internal sealed record X11Target(string Display, string? XAuthority, string Source);

/// <summary>The host facts <see cref="X11DisplayLocator"/> decides from; <see cref="LinuxGraphicalSessions"/> reads the real ones.</summary>
internal interface IGraphicalSessions
{
    IReadOnlyList<GraphicalSession> Sessions();

    /// <summary>The user's home directory, or null when unknown.</summary>
    string? HomeOf(uint uid);

    bool FileExists(string path);

    /// <summary>The argument lists of running X servers (Xorg, X, Xwayland).</summary>
    IReadOnlyList<IReadOnlyList<string>> XServerCommandLines();
}

/// <summary>
/// Finds the X display when the agent runs as a root service with no <c>DISPLAY</c> (docs/agent.md
/// "Capture, encoding, input"): <c>DISPLAY</c>/<c>XAUTHORITY</c> from the environment when set;
/// else the local, preferably active, logind session of type x11 and its <c>Display</c>, with the
/// cookie from the running X server's <c>-auth</c> file, GDM's <c>/run/user/UID/gdm/Xauthority</c> or
/// the user's <c>~/.Xauthority</c>, the first that exists. Null when there is no such session.
/// </summary>
internal static class X11DisplayLocator
{
    public static X11Target? Resolve(string? display, string? xauthority, IGraphicalSessions host)
    {
        var cookie = string.IsNullOrEmpty(xauthority) ? null : xauthority;
        if (!string.IsNullOrEmpty(display))
            return new X11Target(display, cookie, "environment");

        var session = host.Sessions()
            .Where(s => s.Type == "x11" && !s.Remote && s.Display.StartsWith(':'))
            .OrderByDescending(s => s.Active)
            .FirstOrDefault();
        if (session is null)
            return null;
        return new X11Target(session.Display, cookie ?? Cookie(session, host), $"logind session {session.Id}");
    }

    private static string? Cookie(GraphicalSession session, IGraphicalSessions host)
    {
        foreach (var args in host.XServerCommandLines())
        {
            if (!Serves(args, session.Display))
                continue;
            var auth = args.ToList().IndexOf("-auth");
            if (auth >= 0 && auth + 1 < args.Count && host.FileExists(args[auth + 1]))
                return args[auth + 1];
        }

        var gdm = $"/run/user/{session.Uid}/gdm/Xauthority";
        if (host.FileExists(gdm))
            return gdm;
        var home = host.HomeOf(session.Uid);
        var user = home is null ? null : Path.Combine(home, ".Xauthority");
        return user is not null && host.FileExists(user) ? user : null;
    }

    /// <summary>Whether an X server started with <paramref name="args"/> is <paramref name="display"/> (":0" when it names none).</summary>
    private static bool Serves(IReadOnlyList<string> args, string display)
    {
        var named = args.Skip(1).FirstOrDefault(a => a.StartsWith(':'));
        return named is null ? display is ":0" or ":0.0" : display == named || display.StartsWith(named + ".", StringComparison.Ordinal);
    }
}
