using System.Text.Json;
using GuruConnect.Agent.Platform;

namespace GuruConnect.Agent.State;

/// <summary><c>&lt;state&gt;/state.json</c>, rewritten atomically by <c>run</c> and <c>enroll</c>, read by <c>status</c>.</summary>
internal sealed class AgentStateFile(string path, TimeProvider time)
{
    public string Path => path;

    /// <summary>Every change <c>run</c> makes, written or not (the updater commits on the first "connected").</summary>
    public event Action<AgentState>? Changed;

    /// <returns>The state, or null when there is none yet or it cannot be read.</returns>
    public async Task<AgentState?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(stream, StateJsonContext.Default.AgentState, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <returns>False when the file could not be written; the agent carries on regardless.</returns>
    public async Task<bool> UpdateAsync(Func<AgentState, AgentState> change, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(cancellationToken) ?? new AgentState();
        var next = change(current) with { UpdatedAt = time.GetUtcNow() };
        Changed?.Invoke(next);
        try
        {
            SecureDirectory.Ensure(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            var content = JsonSerializer.SerializeToUtf8Bytes(next, StateJsonContext.Default.AgentState);
            await AtomicFile.WriteAsync(path, content, AtomicFile.OwnerReadWrite, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
