namespace GuruConnect.Server.Audit;

/// <summary>
/// One security-relevant action to record. <see cref="Details"/> must never carry a secret, hash,
/// token or chat text (docs/security.md): callers put ids, names, reasons and counts there.
/// </summary>
internal sealed record AuditEntry(
    string Type,
    string? Actor = null,
    Guid? ActorId = null,
    Guid? MachineId = null,
    Guid? SessionId = null,
    string? Ip = null,
    IReadOnlyDictionary<string, object?>? Details = null);
