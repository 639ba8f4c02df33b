using System.Runtime.InteropServices;

namespace GuruConnect.Bench.Connections;

/// <summary>
/// Every socket is a file descriptor: N agents need N descriptors on each side. Raises the soft
/// <c>RLIMIT_NOFILE</c> towards the hard limit (Linux), and says so when even that is too low.
/// </summary>
internal static partial class FileLimit
{
    private const int RlimitNoFile = 7;

    /// <summary>True when at least <paramref name="needed"/> descriptors are available (raising the soft limit if needed).</summary>
    public static bool Ensure(int needed, TextWriter log)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        if (GetRLimit(RlimitNoFile, out var limit) != 0)
        {
            return true;
        }

        if (limit.Current >= (ulong)needed)
        {
            return true;
        }

        var raised = limit with { Current = Math.Min(limit.Maximum, (ulong)needed) };
        if (SetRLimit(RlimitNoFile, in raised) == 0)
        {
            log.WriteLine($"raised the open-file limit from {limit.Current} to {raised.Current}");
            limit = raised;
        }

        if (limit.Current < (ulong)needed)
        {
            log.WriteLine($"need {needed} open files but the hard limit is {limit.Maximum}: raise it (ulimit -Hn / limits.conf) or use fewer --agents");
            return false;
        }

        return true;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private record struct RLimit(ulong Current, ulong Maximum);
}
