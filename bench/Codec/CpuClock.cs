using System.Runtime.InteropServices;

namespace GuruConnect.Bench.Codec;

/// <summary>
/// The calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID): what one frame costs on one core, without
/// the time the thread sat preempted on a shared machine (docs/performance.md §1 "on one core").
/// </summary>
internal static partial class CpuClock
{
    private const int ThreadCpuTime = 3;

    public static long Now()
    {
        _ = ClockGetTime(ThreadCpuTime, out var now);
        return (now.Seconds * 1_000_000_000) + now.Nanoseconds;
    }

    public static TimeSpan Since(long started) => TimeSpan.FromTicks((Now() - started) / 100);

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
