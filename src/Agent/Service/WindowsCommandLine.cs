using System.Text;

namespace GuruConnect.Agent.Service;

/// <summary>
/// The Windows service's binPath. The executable is always quoted: an unquoted path with a
/// space ("C:\Program Files\…") lets a planted C:\Program.exe run as LocalSystem.
/// </summary>
internal static class WindowsCommandLine
{
    public const string ServiceFlag = "--service";

    public static string BuildBinPath(IReadOnlyList<string> command)
    {
        if (command.Count == 0)
        {
            throw new ArgumentException("The service needs an executable.", nameof(command));
        }

        var executable = command[0];
        if (executable.Contains('"', StringComparison.Ordinal))
        {
            throw new ArgumentException("A Windows path cannot contain a double quote.", nameof(command));
        }

        var arguments = command.Skip(1).Append("run").Append(ServiceFlag).Select(QuoteArgument);
        return string.Join(' ', arguments.Prepend("\"" + executable + "\""));
    }

    /// <summary>Quotes one argument the way CommandLineToArgvW and the C runtime split it back.</summary>
    public static string QuoteArgument(string argument)
    {
        if (argument.Length > 0 && !argument.Any(c => c is ' ' or '\t' or '\n' or '\v' or '"'))
        {
            return argument;
        }

        var builder = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            // Backslashes are literal unless they precede a quote: then each is doubled.
            builder.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
            backslashes = 0;
            builder.Append(c);
        }

        // Before the closing quote, backslashes double too.
        builder.Append('\\', backslashes * 2);
        return builder.Append('"').ToString();
    }
}
