using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace GuruConnect.Server.Observability;

/// <summary>
/// A small Prometheus text-format exporter over <see cref="MeterListener"/> (no Prometheus
/// exporter package is installable here, shared/STACK.md). Counters and up-down counters are
/// summed, histograms kept as fixed buckets, observable gauges read at scrape time.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] Buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> series = new();
    private readonly ConcurrentDictionary<Instrument, byte> instruments = new();

    public PrometheusExporter(ServerMetrics metrics)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this server's meter: several servers in one process (tests, benches) stay apart.
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                instruments[instrument] = 0;
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();
    }

    public string Render()
    {
        // Observable instruments report through the same callbacks when asked.
        foreach (var (key, value) in series)
        {
            if (key.Instrument.GetType().Name.StartsWith("Observable", StringComparison.Ordinal))
            {
                value.Reset();
            }
        }

        listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var group in series.GroupBy(pair => pair.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var instrument = group.Key;
            var name = instrument.Name;
            var isHistogram = instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal);
            var isCounter = instrument.GetType().Name is "Counter`1" or "ObservableCounter`1";
            text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description ?? name).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(isHistogram ? "histogram" : isCounter ? "counter" : "gauge").Append('\n');
            foreach (var (key, value) in group.OrderBy(pair => pair.Key.Labels, StringComparer.Ordinal))
            {
                value.Write(text, name, key.Labels, isHistogram);
            }
        }

        return text.ToString();
    }

    public void Dispose() => listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = FormatLabels(tags);
        var entry = series.GetOrAdd((instrument, labels), static _ => new Series());
        entry.Add(value, instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal));
    }

    private static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            value = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
            pairs.Add($"{tag.Key.Replace('.', '_')}=\"{value}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }

    private sealed class Series
    {
        private readonly Lock gate = new();
        private readonly long[] bucketCounts = new long[Buckets.Length];
        private double sum;
        private long count;

        public void Reset()
        {
            lock (gate)
            {
                sum = 0;
                count = 0;
            }
        }

        public void Add(double value, bool histogram)
        {
            lock (gate)
            {
                sum += value;
                count++;
                if (histogram)
                {
                    for (var i = 0; i < Buckets.Length; i++)
                    {
                        if (value <= Buckets[i])
                        {
                            bucketCounts[i]++;
                        }
                    }
                }
            }
        }

        public void Write(StringBuilder text, string name, string labels, bool histogram)
        {
            lock (gate)
            {
                if (!histogram)
                {
                    text.Append(name).Append(labels.Length > 0 ? $"{{{labels}}}" : string.Empty).Append(' ')
                        .Append(sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                    return;
                }

                var prefix = labels.Length > 0 ? labels + "," : string.Empty;
                for (var i = 0; i < Buckets.Length; i++)
                {
                    text.Append(name).Append("_bucket{").Append(prefix).Append("le=\"").Append(Buckets[i].ToString(CultureInfo.InvariantCulture))
                        .Append("\"} ").Append(bucketCounts[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                text.Append(name).Append("_bucket{").Append(prefix).Append("le=\"+Inf\"} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                var suffix = labels.Length > 0 ? $"{{{labels}}}" : string.Empty;
                text.Append(name).Append("_sum").Append(suffix).Append(' ').Append(sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                text.Append(name).Append("_count").Append(suffix).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }
}
