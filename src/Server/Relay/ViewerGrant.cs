namespace GuruConnect.Server.Relay;

/// <summary>What a valid viewer token says: who, for which session, and the login token that minted it.</summary>
internal sealed record ViewerGrant(string Jti, DateTimeOffset ExpiresAt, Guid UserId, string Username, string SessionId, string? LoginJti, long LoginGeneration);
