using System.Text.Json;
using GuruConnect.Agent.Platform;

namespace GuruConnect.Agent.Update;

/// <summary>
/// <c>&lt;state&gt;/update.json</c>, written atomically (temp file, fsync, rename) before the binary is
/// swapped, so a crash at any point leaves a record the next start acts on (docs/agent.md "Updates").
/// </summary>
internal sealed class UpdateStateFile(string path)
{
    public string Path => path;

    /// <returns>The record, or null when there is none or it cannot be read (then there is nothing to roll back).</returns>
    public UpdateState? Read()
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), UpdateJsonContext.Default.UpdateState) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public async Task WriteAsync(UpdateState state, CancellationToken cancellationToken)
    {
        SecureDirectory.Ensure(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        await AtomicFile.WriteAsync(path, JsonSerializer.SerializeToUtf8Bytes(state, UpdateJsonContext.Default.UpdateState), AtomicFile.OwnerReadWrite, cancellationToken);
    }
}
