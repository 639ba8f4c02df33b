using System.Text;
using System.Text.Json;
using GuruConnect.Protocol;

namespace GuruConnect.Server.Installers;

/// <summary>What one site installer is made of. Holds the plaintext key: never logged, never audited (ToString hides it).</summary>
internal sealed record SiteInstallerInput(Guid SiteId, string SiteCode, string Server, string EnrollmentKey, int KeyVersion, string Fingerprint, InstallerLabels Labels)
{
    public string FingerprintLabel => KeyFingerprint.Label(KeyVersion, Fingerprint);

    /// <summary><c>GuruConnect-ACME-PHX-v3-7F2A</c>: site code and key fingerprint, so a file on a share says what it enrolls with.</summary>
    public string BaseFileName => $"GuruConnect-{SiteCode}-v{KeyVersion}-{Fingerprint}";

    /// <summary>agent.json as docs/agent.md "Config" describes it; the agent removes the key after it enrolls.</summary>
    public byte[] ConfigJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("server", Server);
            json.WriteString("siteCode", SiteCode);
            json.WriteString("enrollmentKey", EnrollmentKey);
            json.WriteString("keyFingerprint", FingerprintLabel);
            json.WriteStartObject("labels");
            json.WriteString("company", Labels.Company ?? string.Empty);
            json.WriteString("site", Labels.Site ?? string.Empty);
            json.WriteString("department", Labels.Department ?? string.Empty);
            json.WriteString("deviceType", Labels.DeviceType ?? string.Empty);
            json.WriteStartArray("tags");
            foreach (var tag in Labels.Tags ?? [])
            {
                json.WriteStringValue(tag);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return [.. buffer.ToArray(), (byte)'\n'];
    }

    public string ConfigText() => Encoding.UTF8.GetString(ConfigJson()).TrimEnd('\n');

    public override string ToString() => $"SiteInstallerInput {{ SiteCode = {SiteCode}, Server = {Server}, Key = {FingerprintLabel} }}";
}

/// <summary>A built installer in a temporary file that is deleted when the response stream closes.</summary>
internal sealed record BuiltInstaller(string Path, string FileName, string ContentType, string Sha256);
