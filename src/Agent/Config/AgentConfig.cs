using System.Text.RegularExpressions;

namespace GuruConnect.Agent.Config;

/// <summary>The site config the installer writes (docs/agent.md "Config"); every field may be missing.</summary>
internal sealed partial record AgentConfig(
    string? Server = null,
    string? SiteCode = null,
    string? EnrollmentKey = null,
    string? KeyFingerprint = null,
    AgentLabels? Labels = null)
{
    /// <summary>Command-line flags win over the file (docs/agent.md <c>enroll</c>).</summary>
    public AgentConfig WithOverrides(string? server, string? siteCode, string? enrollmentKey)
    {
        var result = this with
        {
            Server = Blank(server) ? Server : server!.Trim(),
            SiteCode = Blank(siteCode) ? SiteCode : siteCode!.Trim(),
        };
        if (!Blank(enrollmentKey))
        {
            // The file's fingerprint describes the file's key; a key from the command line has its own.
            var key = enrollmentKey!.Trim();
            result = result with { EnrollmentKey = key, KeyFingerprint = $"({GuruConnect.Protocol.KeyFingerprint.Of(key)})" };
        }

        return result;
    }

    /// <exception cref="AgentConfigException">No usable server URL.</exception>
    public Uri RequireServer(string configPath)
    {
        if (Blank(Server))
        {
            throw new AgentConfigException(configPath, $"The agent config at {configPath} has no \"server\". Pass --server URL or reinstall with the site installer.");
        }

        if (!Uri.TryCreate(Server!.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new AgentConfigException(configPath, $"\"server\" in {configPath} must be an absolute https:// URL, such as https://connect.example.com; it is \"{Server}\".");
        }

        return uri;
    }

    /// <exception cref="AgentConfigException">No valid site code.</exception>
    public string RequireSiteCode(string configPath)
    {
        if (Blank(SiteCode))
        {
            throw new AgentConfigException(configPath, $"The agent config at {configPath} has no \"siteCode\". Pass --site-code CODE or reinstall with the site installer.");
        }

        return SiteCodePattern().IsMatch(SiteCode!)
            ? SiteCode!
            : throw new AgentConfigException(configPath, $"\"siteCode\" in {configPath} is \"{SiteCode}\", which is not a site code (letters, digits, '.', '_' and '-', 2 to 64 characters).");
    }

    /// <returns>The enrollment key, or null when the config has none.</returns>
    /// <exception cref="AgentConfigException">A key is present but is not a <c>cek_</c> key. The message never echoes it.</exception>
    public string? ValidEnrollmentKeyOrNull(string configPath)
    {
        if (Blank(EnrollmentKey))
        {
            return null;
        }

        if (!EnrollmentKeyPattern().IsMatch(EnrollmentKey!))
        {
            throw new AgentConfigException(configPath, $"The enrollment key (from {configPath} or --enrollment-key) is not a site enrollment key: expected cek_ followed by 64 lowercase hex characters. " +
                $"The console shows a key once, when it is issued: take a fresh one ({Enrollment.ConsolePaths.RotateKey}) or a fresh installer ({Enrollment.ConsolePaths.BuildInstaller}).");
        }

        // The label is what the console and `status` show; a key that does not match it would enroll under
        // a name that lies about it (docs/agent.md "Config").
        if (KeyFingerprint is { } label && FingerprintInLabel().Match(label) is { Success: true } match)
        {
            var actual = GuruConnect.Protocol.KeyFingerprint.Of(EnrollmentKey!);
            if (!string.Equals(match.Groups[1].Value, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new AgentConfigException(configPath,
                    $"The agent config at {configPath} says its enrollment key is {label}, but the key in it has fingerprint ({actual}): the file was edited or mixed up. " +
                    $"Nothing was sent to the server. Download the site's installer again (console: {Enrollment.ConsolePaths.BuildInstaller}), or run `guruconnect-agent enroll --enrollment-key cek_…` with the key the console showed when it was issued.");
            }
        }

        return EnrollmentKey;
    }

    // Records print every property; the enrollment key must never reach a log or a message.
    public override string ToString() =>
        $"AgentConfig {{ Server = {Server}, SiteCode = {SiteCode}, EnrollmentKey = {(Blank(EnrollmentKey) ? "none" : "cek_…")}, KeyFingerprint = {KeyFingerprint} }}";

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);

    // docs/api.md "Sites and enrollment keys".
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")]
    private static partial Regex SiteCodePattern();

    [GeneratedRegex(@"\(([0-9A-Fa-f]{4})\)")]
    private static partial Regex FingerprintInLabel();

    [GeneratedRegex("^cek_[0-9a-f]{64}$")]
    private static partial Regex EnrollmentKeyPattern();
}
