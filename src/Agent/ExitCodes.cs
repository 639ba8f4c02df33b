namespace GuruConnect.Agent;

/// <summary>
/// The agent's exit codes: part of its contract with installers, scripts and the service
/// managers (the systemd unit's RestartPreventExitStatus lists the ones restarting cannot fix).
/// Every non-zero code comes with a message that says what went wrong and what to do.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>A bug or an error nobody planned for; the message has the details.</summary>
    public const int Unexpected = 1;

    /// <summary>Bad command line: unknown command or option, a malformed value.</summary>
    public const int Usage = 2;

    /// <summary>The site config is missing or invalid (also: the server refused the request as invalid, 400).</summary>
    public const int ConfigInvalid = 3;

    /// <summary>401 ENROLL_REJECTED: wrong site code or enrollment key (rotated?).</summary>
    public const int EnrollRejected = 4;

    /// <summary>409 ENROLL_SITE_CONFLICT: this machine belongs to another site.</summary>
    public const int SiteConflict = 5;

    /// <summary>202: the machine waits for an admin's approval in the console.</summary>
    public const int PendingApproval = 6;

    /// <summary>429 RATE_LIMITED.</summary>
    public const int RateLimited = 7;

    /// <summary>No answer from the server, or a 5xx.</summary>
    public const int ServerUnreachable = 8;

    /// <summary>A stored machine credential exists but cannot be read or decrypted.</summary>
    public const int CredentialStoreUnreadable = 9;

    /// <summary>Not supported on this platform (OS, no service manager, no machine identity at all).</summary>
    public const int NotSupported = 10;

    /// <summary>Needs root (Linux) or an elevated administrator (Windows).</summary>
    public const int NeedsPrivilege = 11;

    /// <summary>Retired: "not available in this build" (attended support, before it existed). Never reuse the number.</summary>
    public const int NotAvailable = 12;

    /// <summary><c>support</c>: the code is unknown, expired, used or cancelled; the technician makes a new one.</summary>
    public const int SupportCodeInvalid = 13;

    /// <summary><c>support</c>: the connection dropped mid-session; the code is used up, so no reconnect.</summary>
    public const int SupportSessionLost = 14;

    /// <summary>
    /// <c>run</c>: an update (or its rollback) changed the installed binary; the service manager
    /// restarts the agent into it (systemd <c>Restart=always</c>, the Windows recovery actions).
    /// </summary>
    public const int RestartForUpdate = 15;

    /// <summary><c>update</c>: the update was refused (signature, SHA-256, downgrade, TLS, a binary that does not start); nothing changed.</summary>
    public const int UpdateRefused = 16;
}
