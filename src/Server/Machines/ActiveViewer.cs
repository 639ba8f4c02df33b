namespace GuruConnect.Server.Machines;

/// <summary>A technician watching a machine now (machines list <c>activeViewers[]</c>).</summary>
public sealed record ActiveViewer(string ViewerId, string Username, DateTimeOffset Since);
