namespace GuruConnect.Server.SupportCodes;

/// <summary>Stable error codes of the support-code routes (docs/api.md "Attended support codes").</summary>
internal static class SupportCodeErrorCodes
{
    /// <summary>Unknown, expired, used or cancelled: one answer for all, so a probe learns nothing more.</summary>
    public const string CodeInvalid = "CODE_INVALID";

    /// <summary>The user already holds the configured maximum of live codes.</summary>
    public const string TooManyCodes = "TOO_MANY_CODES";
}
