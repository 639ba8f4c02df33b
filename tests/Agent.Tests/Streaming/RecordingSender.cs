using GuruConnect.Agent.Session;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Tests.Streaming;

/// <summary>Collects what a session sends, serialised and parsed back as the relay would deliver it.</summary>
internal sealed class RecordingSender : IEnvelopeSender
{
    private readonly Lock gate = new();
    private readonly List<Envelope> sent = [];
    private readonly SemaphoreSlim arrived = new(0);

    public IReadOnlyList<Envelope> Sent
    {
        get
        {
            lock (gate)
                return [.. sent];
        }
    }

    /// <summary>How long a DisplayList's send takes before it is on the wire: a slow link, for ordering tests.</summary>
    public TimeSpan DisplayListDelay { get; init; }

    public async ValueTask SendAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.DisplayList is not null && DisplayListDelay > TimeSpan.Zero)
            await Task.Delay(DisplayListDelay, cancellationToken);
        var copy = Envelope.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(envelope));
        lock (gate)
            sent.Add(copy);
        arrived.Release();
    }

    public async Task<Envelope> NextAsync(Func<Envelope, bool> match, int skip = 0)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = 0;
        while (true)
        {
            lock (gate)
            {
                var found = sent.Where(match).Skip(skip).FirstOrDefault();
                if (found is not null)
                    return found;
                seen = sent.Count;
            }

            await arrived.WaitAsync(timeout.Token);
        }
    }
}
