using System.Text.Json.Nodes;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// One pretend computer: a hardware tree the agent's Linux reader takes as "/" (DMI uuid, board
/// serial, machine-id) and the folder its site config lives in. Same instance = same hardware.
/// </summary>
internal sealed class FakeMachine : IDisposable
{
    public FakeMachine()
    {
        Root = Path.Combine(Path.GetTempPath(), "gc-e2e", Guid.NewGuid().ToString("N"));
        HardwareRoot = Path.Combine(Root, "hw");
        var dmi = Directory.CreateDirectory(Path.Combine(HardwareRoot, "sys", "class", "dmi", "id")).FullName;
        File.WriteAllText(Path.Combine(dmi, "product_uuid"), Guid.NewGuid().ToString().ToUpperInvariant() + "\n");
        File.WriteAllText(Path.Combine(dmi, "board_serial"), "BOARD-" + Guid.NewGuid().ToString("N")[..10] + "\n");
        Directory.CreateDirectory(Path.Combine(HardwareRoot, "etc"));
        File.WriteAllText(Path.Combine(HardwareRoot, "etc", "machine-id"), Guid.NewGuid().ToString("N") + "\n");
        ConfigPath = Path.Combine(Root, "etc", "agent.json");
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
    }

    public string Root { get; }

    public string HardwareRoot { get; }

    public string ConfigPath { get; }

    /// <summary>Writes the site config the way an installer lays it down.</summary>
    public void WriteConfig(Uri server, Fleet.Site site, string? fingerprintLabel = null, object? labels = null)
    {
        var config = new JsonObject
        {
            ["server"] = server.ToString().TrimEnd('/'),
            ["siteCode"] = site.Code,
            ["enrollmentKey"] = site.Key,
            ["keyFingerprint"] = fingerprintLabel ?? $"v1 ({GuruConnect.Protocol.KeyFingerprint.Of(site.Key)})",
            ["labels"] = JsonSerializer.SerializeToNode(labels ?? new { company = "Acme", site = "Phoenix", department = "", deviceType = "workstation", tags = Array.Empty<string>() }),
        };
        File.WriteAllText(ConfigPath, config.ToJsonString());
    }

    public void PutEnrollmentKeyBack(string key)
    {
        var config = JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        config["enrollmentKey"] = key;
        File.WriteAllText(ConfigPath, config.ToJsonString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
