namespace GuruConnect.Server.Errors;

/// <summary>Stable UPPER_SNAKE error codes: what clients branch on (docs/api.md "Errors").</summary>
internal static class ErrorCodes
{
    public const string InvalidRequest = "INVALID_REQUEST";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string RateLimited = "RATE_LIMITED";
    public const string InternalError = "INTERNAL_ERROR";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string InvalidCredentials = "INVALID_CREDENTIALS";
    public const string WeakPassword = "WEAK_PASSWORD";
    public const string UsernameTaken = "USERNAME_TAKEN";
    public const string LastAdmin = "LAST_ADMIN";
    public const string UserNotFound = "USER_NOT_FOUND";
    public const string TokenNotFound = "TOKEN_NOT_FOUND";

    /// <summary>The code for a bare status when nothing more specific was said.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        503 => ServiceUnavailable,
        _ when status >= 500 => InternalError,
        _ => InvalidRequest,
    };
}
