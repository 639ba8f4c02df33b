namespace GuruConnect.Agent.Platform;

/// <summary>
/// Temp file in the same folder, flushed to disk, renamed over the target: a crash leaves
/// either the old file or the new one, never half of either (docs/agent.md "Credential store").
/// </summary>
internal static class AtomicFile
{
    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // beforeReplace: test hook, runs after the temp file is complete, before the rename.
    public static async Task WriteAsync(
        string path,
        ReadOnlyMemory<byte> content,
        UnixFileMode unixMode,
        CancellationToken cancellationToken,
        Action<string>? beforeReplace = null)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        var temp = Path.Combine(directory, $"{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                // Created with the final mode, so the secret is never readable by others, not even briefly.
                options.UnixCreateMode = unixMode;
            }

            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(content, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, unixMode);
            }

            beforeReplace?.Invoke(temp);
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        DeleteStaleTemps(fullPath);
    }

    /// <summary>Temp files a crash left behind (<c>name.*.tmp</c>) are never read; remove them.</summary>
    public static void DeleteStaleTemps(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            foreach (var stale in Directory.GetFiles(directory, Path.GetFileName(path) + ".*.tmp"))
            {
                TryDelete(stale);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The current mode of <paramref name="path"/>, or <paramref name="fallback"/> when it does not exist or on Windows.</summary>
    public static UnixFileMode ModeOrDefault(string path, UnixFileMode fallback) =>
        !OperatingSystem.IsWindows() && File.Exists(path) ? File.GetUnixFileMode(path) : fallback;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
