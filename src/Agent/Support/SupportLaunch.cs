using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace GuruConnect.Agent.Support;

/// <summary>
/// The support agent as the end user gets it from <c>/support</c>: the unchanged agent saved as
/// <c>GuruConnect-123456.exe</c> or <c>guruconnect-support-123456</c> and started with no arguments
/// (a double-click). Its code is read back from its own file name (the bytes cannot carry it without
/// voiding the signature, docs/installers.md), and the server from <c>GURUCONNECT_SERVER</c> or from where
/// the browser says the file came from (Windows Zone.Identifier <c>HostUrl</c>, Linux
/// <c>user.xdg.origin.url</c>).
/// </summary>
internal static partial class SupportLaunch
{
    public const string ServerVariable = "GURUCONNECT_SERVER";

    /// <summary>The arguments to run: <paramref name="args"/> unchanged unless there are none and the file name carries a code.</summary>
    public static IReadOnlyList<string> Arguments(IReadOnlyList<string> args, string? processPath, Func<string, string?> environment)
    {
        if (args.Count > 0 || CodeFromFileName(processPath) is not { } code)
        {
            return args;
        }

        var server = environment(ServerVariable) is { Length: > 0 } configured ? configured : ServerFromDownloadOrigin(processPath!);
        return server is null ? ["support", "--code", code] : ["support", "--server", server, "--code", code];
    }

    /// <summary>The code in <c>GuruConnect-123456.exe</c>, <c>GuruConnect-123456 (1).exe</c> (a second download) or <c>guruconnect-support-123456</c>.</summary>
    public static string? CodeFromFileName(string? path) =>
        path is null ? null : SupportFileName().Match(Path.GetFileName(path)) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>The server the file was downloaded from, as the OS recorded it; null when it did not.</summary>
    public static string? ServerFromDownloadOrigin(string path)
    {
        try
        {
            var origin = OperatingSystem.IsWindows() ? ZoneIdentifierHostUrl(path) : OperatingSystem.IsLinux() ? LinuxXattr(path, "user.xdg.origin.url") : null;
            return ServerFromOriginUrl(origin);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary><c>https://connect.example.com/gc/download/support/123456?platform=…</c> → <c>https://connect.example.com/gc</c>.</summary>
    public static string? ServerFromOriginUrl(string? origin)
    {
        if (!Uri.TryCreate(origin?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }

        var path = uri.AbsolutePath;
        var download = path.IndexOf("/download/support/", StringComparison.OrdinalIgnoreCase);
        var support = path.IndexOf("/support", StringComparison.OrdinalIgnoreCase);
        var prefix = download >= 0 ? path[..download] : support >= 0 ? path[..support] : string.Empty;
        return uri.GetLeftPart(UriPartial.Authority) + prefix.TrimEnd('/');
    }

    private static string? ZoneIdentifierHostUrl(string path)
    {
        var stream = path + ":Zone.Identifier";
        if (!File.Exists(stream))
        {
            return null;
        }

        var lines = File.ReadAllLines(stream);
        return Value("HostUrl") ?? Value("ReferrerUrl");

        string? Value(string name) => lines.FirstOrDefault(l => l.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..];
    }

    private static string? LinuxXattr(string path, string name)
    {
        var buffer = new byte[4096];
        var length = GetXattr(path, name, buffer, (nuint)buffer.Length);
        return length > 0 ? Encoding.UTF8.GetString(buffer, 0, (int)length) : null;
    }

    [LibraryImport("libc", EntryPoint = "getxattr", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetXattr(string path, string name, byte[] value, nuint size);

    [GeneratedRegex(@"^(?:guruconnect-support-|guruconnect-)(\d{6})(?:\s*\(\d+\))?(?:\.exe)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SupportFileName();
}
