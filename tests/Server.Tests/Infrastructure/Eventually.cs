namespace GuruConnect.Server.Tests.Infrastructure;

/// <summary>Polls a condition that becomes true asynchronously (a socket closing, a row being written).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (started.Elapsed > limit)
            {
                Assert.Fail($"Timed out waiting: {because}");
            }

            await Task.Delay(20);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > limit)
            {
                Assert.Fail($"Timed out waiting: {because}");
            }

            await Task.Delay(20);
        }
    }
}
