namespace GuruConnect.Server.Relay;

/// <summary>Which plane a connection is on.</summary>
internal enum ConnectionKind
{
    Agent,
    Viewer,
}
