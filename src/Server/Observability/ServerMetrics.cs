using System.Diagnostics.Metrics;

namespace GuruConnect.Server.Observability;

/// <summary>The server's own instruments; other features add theirs to the same meter.</summary>
internal sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "GuruConnect.Server";
    public const string HttpDurationName = "guruconnect_http_request_duration_seconds";

    /// <summary>Request-duration buckets, in seconds (the exporter's defaults are in milliseconds).</summary>
    public static readonly double[] DurationBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public ServerMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        HttpRequests = Meter.CreateCounter<long>("guruconnect_http_requests_total", description: "HTTP requests by method, route and status");
        HttpDuration = Meter.CreateHistogram<double>(HttpDurationName, unit: "s", description: "HTTP request duration");
    }

    public Meter Meter { get; }

    public Counter<long> HttpRequests { get; }

    public Histogram<double> HttpDuration { get; }

    public void Dispose() => Meter.Dispose();
}
