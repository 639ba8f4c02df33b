using System.Net.WebSockets;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Identity;

namespace GuruConnect.Agent.Transport;

/// <summary>
/// How a connection to <c>/ws/agent</c> proves itself before the upgrade (docs/protocol.md "Agent plane"):
/// the machine key in the Authorization header (managed), or a support code in the query and no
/// header at all (attended). After the upgrade both speak the same protocol.
/// </summary>
/// <param name="Server">The server's base URL.</param>
/// <param name="Identity">The machine identity for <c>AgentHello</c>; null sends an empty uid.</param>
internal abstract record LinkAuthentication(Uri Server, MachineIdentity? Identity)
{
    public abstract Uri Endpoint { get; }

    public abstract void Apply(ClientWebSocketOptions options);

    public static Uri AgentEndpoint(Uri server)
    {
        var builder = new UriBuilder(server)
        {
            Scheme = server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = server.AbsolutePath.TrimEnd('/') + "/ws/agent",
        };
        return builder.Uri;
    }

    /// <summary>Managed: <c>Authorization: Bearer cak_…</c>.</summary>
    public sealed record MachineKey(AgentCredentials Credentials) : LinkAuthentication(Credentials.Server, Credentials.Identity)
    {
        public override Uri Endpoint => AgentEndpoint(Server);

        public override void Apply(ClientWebSocketOptions options) => options.SetRequestHeader("Authorization", $"Bearer {Credentials.Key}");

        /// <summary>Never the key: this may end up in a log line.</summary>
        public override string ToString() => $"MachineKey {{ Server = {Server} }}";
    }

    /// <summary>Attended: <c>?supportCode=123456</c>, no Authorization header. The server consumes the code on the upgrade.</summary>
    public sealed record SupportCode(Uri Server, string Code, MachineIdentity? Identity) : LinkAuthentication(Server, Identity)
    {
        public override Uri Endpoint => new UriBuilder(AgentEndpoint(Server)) { Query = "supportCode=" + Uri.EscapeDataString(Code) }.Uri;

        public override void Apply(ClientWebSocketOptions options)
        {
        }

        /// <summary>Never the code: this may end up in a log line.</summary>
        public override string ToString() => $"SupportCode {{ Server = {Server} }}";
    }
}
