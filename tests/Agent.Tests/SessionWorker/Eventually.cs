using System.Diagnostics;

namespace GuruConnect.Agent.Tests.SessionWorker;

/// <summary>Waits for something another thread does (a pipe, a worker task); fails with a message after 10 s, never passes silently.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, Action? step = null)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(10))
                Assert.Fail("Timed out waiting for " + what);
            step?.Invoke();
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
