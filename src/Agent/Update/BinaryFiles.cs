namespace GuruConnect.Agent.Update;

/// <summary>
/// The file moves of an update, all inside the binary's own folder so every rename is atomic
/// (docs/agent.md "Updates"). Linux: the previous binary is copied aside (fsync'd), then the new one
/// is renamed over the installed path, so the path always names a complete binary. Windows cannot
/// replace a running executable, but can rename it: the running one is renamed aside, then the new
/// one into place; a failure between the two renames puts the old one back.
/// </summary>
internal static class BinaryFiles
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>A temp file beside <paramref name="binaryPath"/>, with the installed binary's mode (and executable).</summary>
    public static FileStream CreateStaging(string binaryPath, out string stagedPath)
    {
        var directory = Path.GetDirectoryName(binaryPath)!;
        stagedPath = Path.Combine(directory, $"{Path.GetFileName(binaryPath)}.update-{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ModeFor(binaryPath);
        }

        return new FileStream(stagedPath, options);
    }

    /// <summary>Keeps the installed binary as <paramref name="previousPath"/>, and puts <paramref name="stagedPath"/> in its place.</summary>
    public static void Swap(string binaryPath, string stagedPath, string previousPath)
    {
        if (OperatingSystem.IsWindows())
        {
            File.Move(binaryPath, previousPath, overwrite: true);
            try
            {
                File.Move(stagedPath, binaryPath);
            }
            catch
            {
                File.Move(previousPath, binaryPath);
                throw;
            }

            return;
        }

        CopyDurably(binaryPath, previousPath);
        File.Move(stagedPath, binaryPath, overwrite: true);
    }

    /// <summary>Puts <paramref name="previousPath"/> back at <paramref name="binaryPath"/>; the failed binary is kept as <c>.failed</c> on Windows (it may still be running), and dropped on Linux.</summary>
    public static void Restore(string binaryPath, string previousPath)
    {
        if (OperatingSystem.IsWindows())
        {
            var failed = Path.Combine(Path.GetDirectoryName(binaryPath)!, Path.GetFileNameWithoutExtension(binaryPath) + ".failed.exe");
            if (File.Exists(binaryPath))
            {
                File.Move(binaryPath, failed, overwrite: true);
            }

            File.Copy(previousPath, binaryPath);
            return;
        }

        // A copy, so the previous binary stays for another rollback should this start fail too.
        var staged = Path.Combine(Path.GetDirectoryName(binaryPath)!, $"{Path.GetFileName(binaryPath)}.restore-{Guid.NewGuid():N}.tmp");
        try
        {
            CopyDurably(previousPath, staged);
            File.Move(staged, binaryPath, overwrite: true);
        }
        finally
        {
            TryDelete(staged);
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Temp files an interrupted update left beside the binary.</summary>
    public static void DeleteStaleTemps(string binaryPath)
    {
        try
        {
            var directory = Path.GetDirectoryName(binaryPath)!;
            foreach (var stale in Directory.GetFiles(directory, Path.GetFileName(binaryPath) + ".update-*.tmp")
                .Concat(Directory.GetFiles(directory, Path.GetFileName(binaryPath) + ".restore-*.tmp"))
                .Concat(Directory.GetFiles(directory, Path.GetFileName(binaryPath) + "*.copy-*.tmp")))
            {
                TryDelete(stale);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static UnixFileMode ModeFor(string binaryPath) =>
        (!OperatingSystem.IsWindows() && File.Exists(binaryPath) ? File.GetUnixFileMode(binaryPath) : Executable)
        | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Copies through a temp file that is fsync'd, then renamed: the target is whole or untouched.</summary>
    private static void CopyDurably(string source, string target)
    {
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $"{Path.GetFileName(target)}.copy-{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = ModeFor(source);
            }

            using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var output = new FileStream(temp, options))
            {
                input.CopyTo(output, 1 << 20);
                output.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }
}
