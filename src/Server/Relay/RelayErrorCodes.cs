namespace GuruConnect.Server.Relay;

/// <summary>Stable error codes of the relay and sessions routes (docs/api.md "Errors").</summary>
internal static class RelayErrorCodes
{
    public const string MachinePending = "MACHINE_PENDING";
    public const string SessionNotFound = "SESSION_NOT_FOUND";
    public const string SessionMismatch = "SESSION_MISMATCH";
}
