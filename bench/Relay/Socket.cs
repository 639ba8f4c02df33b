using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Bench.Relay;

/// <summary>
/// One benchmark WebSocket end: serialized sends, and a receive loop that hands every message to a
/// handler on the loop's thread (answering the server's pings so long runs are not closed for silence).
/// </summary>
internal sealed class BenchSocket(WebSocket socket, int maxMessage) : IAsyncDisposable
{
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly WebSocketMessageReader reader = new(maxMessage);
    private Task? loop;

    public WebSocket Socket => socket;

    public void Start(Action<ReadOnlySpan<byte>> onMessage) => loop = Task.Run(async () =>
    {
        while (true)
        {
            var read = await reader.ReadAsync(socket, CancellationToken.None);
            if (read.Status != WebSocketReadStatus.Message)
            {
                return;
            }

            try
            {
                if (Frames.TryReadHeader(read.Span, out var payload, out _) && payload == Envelope.PayloadOneofCase.Ping &&
                    Frames.TryParse(read.Span, out var ping))
                {
                    _ = SendAsync(Frames.ToBytes(new Envelope { Pong = new Pong { Nonce = ping.Ping.Nonce } }));
                    continue;
                }

                onMessage(read.Span);
            }
            finally
            {
                reader.Return(read);
            }
        }
    });

    public async Task SendAsync(ReadOnlyMemory<byte> message)
    {
        await sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }

        socket.Abort();
        if (loop is not null)
        {
            await loop;
        }

        socket.Dispose();
        sendLock.Dispose();
    }
}
