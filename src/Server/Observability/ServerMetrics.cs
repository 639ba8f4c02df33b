using System.Diagnostics.Metrics;

namespace GuruConnect.Server.Observability;

/// <summary>The server's own instruments; other features add theirs to the same meter.</summary>
internal sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "GuruConnect.Server";

    public ServerMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        HttpRequests = Meter.CreateCounter<long>("guruconnect_http_requests_total", description: "HTTP requests by method, route and status");
        HttpDuration = Meter.CreateHistogram<double>("guruconnect_http_request_duration_seconds", unit: "s", description: "HTTP request duration");
    }

    public Meter Meter { get; }

    public Counter<long> HttpRequests { get; }

    public Histogram<double> HttpDuration { get; }

    public void Dispose() => Meter.Dispose();
}
