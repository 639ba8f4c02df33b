using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;

namespace GuruConnect.Server.Installers;

/// <summary>
/// "Copy URL": a link that downloads one site installer without a login. The link carries everything the
/// build needs — the enrollment key included — encrypted and authenticated with the server's
/// data-protection keys, so nothing is stored; it names the key version it was made with, so rotating the
/// site key revokes every outstanding link, and it expires at a time checked against the server clock.
/// </summary>
internal sealed class InstallerLinks(IDataProtectionProvider protection, TimeProvider time)
{
    private readonly IDataProtector protector = protection.CreateProtector("GuruConnect.Installers.Link.v1");

    public string Create(InstallerLinkPayload payload) =>
        protector.Protect(JsonSerializer.SerializeToUtf8Bytes(payload, InstallerLinkJsonContext.Default.InstallerLinkPayload)) is var bytes
            ? Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(bytes)
            : string.Empty;

    /// <returns>The payload, or null when the token is malformed, forged, or expired.</returns>
    public InstallerLinkPayload? Read(string token)
    {
        if (token.Length is 0 or > 8192)
        {
            return null;
        }

        try
        {
            var bytes = protector.Unprotect(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(token));
            var payload = JsonSerializer.Deserialize(bytes, InstallerLinkJsonContext.Default.InstallerLinkPayload);
            return payload is not null && payload.ExpiresAt > time.GetUtcNow() ? payload : null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }
}

/// <summary>What an installer link stands for. Contains the plaintext key: it only ever exists encrypted in the link.</summary>
internal sealed record InstallerLinkPayload(
    Guid LinkId, Guid SiteId, int KeyVersion, string Format, string EnrollmentKey, string Server, InstallerLabels Labels, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"InstallerLinkPayload {{ LinkId = {LinkId}, SiteId = {SiteId}, KeyVersion = {KeyVersion}, Format = {Format} }}";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(InstallerLinkPayload))]
internal sealed partial class InstallerLinkJsonContext : JsonSerializerContext;
