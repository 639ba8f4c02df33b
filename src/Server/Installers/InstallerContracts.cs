namespace GuruConnect.Server.Installers;

/// <summary>Labels an installer carries in agent.json; they land on the machine row when it enrolls.</summary>
public sealed record InstallerLabels(string? Company, string? Site, string? Department, string? DeviceType, IReadOnlyList<string>? Tags);

/// <summary>
/// <c>POST /api/sites/{id}/installer</c>: <c>format</c> <c>msi</c>, <c>deb</c> or <c>sh</c>; the site's current
/// <c>enrollmentKey</c> (<c>cek_…</c>, the server stores only its hash), or <c>rotate: true</c> to issue a new key
/// and build with it in one step. <c>link: true</c> returns a time-limited URL instead of the file.
/// </summary>
public sealed record InstallerRequest(string? Format, string? EnrollmentKey, bool Rotate, InstallerLabels? Labels, bool Link);

/// <summary>The <c>link: true</c> answer: a URL that downloads this installer without a login until <see cref="ExpiresAt"/>.</summary>
public sealed record InstallerLinkResponse(string Url, DateTimeOffset ExpiresAt, string FileName, string FingerprintLabel);
