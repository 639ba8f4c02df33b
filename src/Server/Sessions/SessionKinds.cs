namespace GuruConnect.Server.Sessions;

/// <summary>The <c>kind</c> of a session in <c>GET /api/sessions</c>.</summary>
internal static class SessionKinds
{
    /// <summary>One persistent session per managed machine; its id is the machine id.</summary>
    public const string Managed = "managed";

    /// <summary>An attended session started with a support code; ends when the agent leaves, the code is cancelled or it is ended.</summary>
    public const string Support = "support";
}
