namespace GuruConnect.Server.Relay;

/// <summary>Stable error codes of the relay and sessions routes (spec 01 "Errors").</summary>
internal static class RelayErrorCodes
{
    public const string MachinePending = "MACHINE_PENDING";
    public const string SessionNotFound = "SESSION_NOT_FOUND";
    public const string SessionMismatch = "SESSION_MISMATCH";
}
