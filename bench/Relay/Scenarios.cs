using System.Diagnostics;

namespace GuruConnect.Bench.Relay;

/// <summary>The measurements, written once against <see cref="IRig"/> so relay and reference run the same code.</summary>
internal static class Scenarios
{
    /// <summary>
    /// The agent sends <paramref name="frames"/> frames, keeping at most <paramref name="window"/> unacknowledged
    /// by the slowest viewer (as a real agent does); each viewer acks every frame. Returns delivered bytes per second.
    /// </summary>
    public static async Task<double> ThroughputAsync(IRig rig, int frameBytes, int frames, int window)
    {
        var template = Wire.Frame(frameBytes);
        var acked = new long[rig.Viewers];
        var received = new long[rig.Viewers];
        var finished = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new SemaphoreSlim(0); // not disposed: late acks may still release it
        rig.Start(
            (viewer, message) =>
            {
                var seq = Wire.AckSeq(message);
                if (seq > Volatile.Read(ref acked[viewer]))
                {
                    Volatile.Write(ref acked[viewer], seq);
                    progress.Release();
                }
            },
            (viewer, message) =>
            {
                var seq = Wire.FrameSeq(message, template.DataBytes);
                if (seq == 0)
                {
                    return;
                }

                received[viewer] = seq;
                _ = rig.ViewerSendAsync(viewer, Wire.Ack(seq));
                if (seq == frames && Interlocked.Increment(ref finished) == rig.Viewers)
                {
                    done.TrySetResult();
                }
            });

        var clock = Stopwatch.StartNew();
        for (long seq = 1; seq <= frames; seq++)
        {
            while (seq - MinAcked(acked) > window)
            {
                await progress.WaitAsync();
            }

            await rig.AgentSendAsync(template.WithSeq(seq));
        }

        await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        return (double)template.Length * frames * rig.Viewers / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Agent → every viewer at <paramref name="rate"/> per second: latency of each delivery, in microseconds.</summary>
    public static async Task<double[]> FrameLatencyAsync(IRig rig, int frameBytes, int rate, TimeSpan duration)
    {
        var template = Wire.Frame(frameBytes);
        var count = (int)(rate * duration.TotalSeconds);
        var sentAt = new long[count + 1];
        var samples = new List<double>(count * rig.Viewers);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Start((_, _) => { }, (_, message) =>
        {
            var seq = Wire.FrameSeq(message, template.DataBytes);
            if (seq > 0)
            {
                Record(samples, sentAt[seq], count * rig.Viewers, done);
            }
        });

        await PaceAsync(rate, count, async seq =>
        {
            sentAt[seq] = Stopwatch.GetTimestamp();
            await rig.AgentSendAsync(template.WithSeq(seq));
        });
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return [.. samples];
    }

    /// <summary>Viewer 0 → agent at <paramref name="rate"/> per second, ~1 KiB input: latency in microseconds.</summary>
    public static async Task<double[]> InputLatencyAsync(IRig rig, int rate, TimeSpan duration)
    {
        var count = (int)(rate * duration.TotalSeconds);
        var sentAt = new long[count + 1];
        var samples = new List<double>(count);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Start((_, message) =>
        {
            var seq = Wire.InputSeq(message);
            if (seq > 0)
            {
                Record(samples, sentAt[seq], count, done);
            }
        }, (_, _) => { });

        await PaceAsync(rate, count, async seq =>
        {
            var input = Wire.Input(seq);
            sentAt[seq] = Stopwatch.GetTimestamp();
            await rig.ViewerSendAsync(0, input);
        });
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return [.. samples];
    }

    public static double Percentile(double[] samples, double p)
    {
        var sorted = samples.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static void Record(List<double> samples, long sentAt, int expected, TaskCompletionSource done)
    {
        var micros = Stopwatch.GetElapsedTime(sentAt).TotalMicroseconds;
        lock (samples)
        {
            samples.Add(micros);
            if (samples.Count == expected)
            {
                done.TrySetResult();
            }
        }
    }

    private static async Task PaceAsync(int rate, int count, Func<long, Task> send)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate));
        for (long seq = 1; seq <= count; seq++)
        {
            await timer.WaitForNextTickAsync();
            await send(seq);
        }
    }

    private static long MinAcked(long[] acked)
    {
        var min = long.MaxValue;
        for (var i = 0; i < acked.Length; i++)
        {
            min = Math.Min(min, Volatile.Read(ref acked[i]));
        }

        return min;
    }
}
