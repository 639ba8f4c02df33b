namespace GuruConnect.Server.Sessions;

/// <summary>The <c>kind</c> of a session in <c>GET /api/sessions</c>.</summary>
internal static class SessionKinds
{
    /// <summary>One persistent session per managed machine; its id is the machine id.</summary>
    public const string Managed = "managed";

    /// <summary>An attended session started with a support code (a later issue); ends when the agent leaves.</summary>
    public const string Support = "support";
}
