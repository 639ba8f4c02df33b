using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GuruConnect.Agent.Platform;

namespace GuruConnect.Agent.Config;

/// <summary>Reads the site config and rewrites it after enrollment, keeping every field it does not own.</summary>
internal sealed class AgentConfigFile(string path)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public string Path => path;

    /// <exception cref="AgentConfigException">Missing, unreadable or not valid JSON.</exception>
    public async Task<AgentConfig> LoadAsync(CancellationToken cancellationToken) =>
        await TryLoadAsync(cancellationToken) ?? throw new AgentConfigException(
            path,
            $"No agent config at {path}. Install the agent with the site installer (it writes this file), or run " +
            "`guruconnect-agent enroll --server URL --site-code CODE --enrollment-key cek_…`. " +
            "Set GURUCONNECT_AGENT_CONFIG to read it from another path.");

    /// <returns>The config, or null when the file does not exist.</returns>
    /// <exception cref="AgentConfigException">Unreadable or not valid JSON.</exception>
    public async Task<AgentConfig?> TryLoadAsync(CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new AgentConfigException(path, $"The agent config at {path} cannot be read: permission denied. Run the agent as root (Linux) or as an administrator (Windows).", ex);
        }
        catch (IOException ex)
        {
            throw new AgentConfigException(path, $"The agent config at {path} cannot be read: {ex.Message}", ex);
        }

        try
        {
            return JsonSerializer.Deserialize(content, ConfigJsonContext.Default.AgentConfig)
                ?? throw new JsonException("the file holds null instead of an object");
        }
        catch (JsonException ex)
        {
            throw new AgentConfigException(path, $"The agent config at {path} is not valid JSON ({ex.Message}). Fix the file or reinstall with the site installer.", ex);
        }
    }

    /// <summary>
    /// After a successful enrollment: removes <c>enrollmentKey</c> (docs/agent.md: the site key is no
    /// longer needed on this machine) and records the server, site and key fingerprint that were
    /// used, which differ from the file's when flags overrode them. Unknown fields are kept.
    /// </summary>
    public async Task CompleteEnrollmentAsync(AgentConfig used, CancellationToken cancellationToken)
    {
        var document = await ReadObjectAsync(cancellationToken);
        foreach (var name in document.Select(p => p.Key).Where(IsEnrollmentKey).ToList())
        {
            document.Remove(name);
        }

        Set(document, "server", used.Server);
        Set(document, "siteCode", used.SiteCode);
        Set(document, "keyFingerprint", used.KeyFingerprint);

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var text = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        // The installer writes this file 0600 (docs/installers.md); a rewrite keeps whatever mode it has.
        var mode = AtomicFile.ModeOrDefault(path, AtomicFile.OwnerReadWrite);
        await AtomicFile.WriteAsync(path, Encoding.UTF8.GetBytes(text), mode, cancellationToken);
    }

    private async Task<JsonObject> ReadObjectAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var text = await File.ReadAllTextAsync(path, cancellationToken);
        try
        {
            return JsonNode.Parse(text, documentOptions: DocumentOptions) as JsonObject
                ?? throw new JsonException("the file does not hold a JSON object");
        }
        catch (JsonException ex)
        {
            throw new AgentConfigException(path, $"The agent config at {path} is not valid JSON ({ex.Message}). Fix the file or reinstall with the site installer.", ex);
        }
    }

    // Reading is case-insensitive, so removal must be too.
    private static bool IsEnrollmentKey(string name) => string.Equals(name, "enrollmentKey", StringComparison.OrdinalIgnoreCase);

    private static void Set(JsonObject document, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        var existing = document.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        document[existing ?? name] = value;
    }
}
