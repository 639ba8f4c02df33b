namespace GuruConnect.Server.Installers;

/// <summary>Stable error codes of the installer routes (docs/api.md "Per-site installers").</summary>
internal static class InstallerErrorCodes
{
    /// <summary>A Windows installer was asked for and no code-signing certificate is configured.</summary>
    public const string SigningNotConfigured = "SIGNING_NOT_CONFIGURED";

    /// <summary>The key in the body is not the site's active enrollment key.</summary>
    public const string EnrollmentKeyMismatch = "ENROLLMENT_KEY_MISMATCH";

    /// <summary>The site has no active key and the request did not ask to rotate.</summary>
    public const string NoEnrollmentKey = "NO_ENROLLMENT_KEY";

    public const string SiteNotFound = "SITE_NOT_FOUND";

    /// <summary>wixl or osslsigncode is not installed on the server.</summary>
    public const string ToolMissing = "INSTALLER_TOOL_MISSING";

    /// <summary>An installer link that is malformed, expired, or made with a key that has since been rotated.</summary>
    public const string LinkInvalid = "INSTALLER_LINK_INVALID";
}
