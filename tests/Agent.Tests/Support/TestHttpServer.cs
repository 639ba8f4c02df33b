using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace GuruConnect.Agent.Tests.Support;

/// <summary>
/// A real HTTP/1.1 listener on 127.0.0.1, port 0 (the ASP.NET test host is not available to the
/// agent tests, and HttpListener cannot bind port 0). Answers each request with the handler's
/// response and records what it received; a <see cref="TestResponse.Upgrade"/> answer completes the
/// WebSocket handshake (RFC 6455 §4.2.2) and hands the server side of the socket to the test.
/// </summary>
internal sealed class TestHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<RecordedRequest, TestResponse> _handler;
    private readonly Task _loop;

    public TestHttpServer(Func<RecordedRequest, TestResponse> handler)
    {
        _handler = handler;
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers with each response in turn, repeating the last.</summary>
    public static TestHttpServer Sequence(params TestResponse[] responses)
    {
        var index = 0;
        return new TestHttpServer(_ => responses[Math.Min(Interlocked.Increment(ref index) - 1, responses.Length - 1)]);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new List<byte>();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(one, _stop.Token) == 0)
                {
                    return;
                }

                head.Append((char)one[0]);
            }

            var lines = head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var requestLine = lines[0].Split(' ');
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
            var length = headers.TryGetValue("Content-Length", out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            var body = new byte[length];
            await stream.ReadExactlyAsync(body, _stop.Token);

            var request = new RecordedRequest(requestLine[0], requestLine[1], headers, Encoding.UTF8.GetString(body));
            Requests.Enqueue(request);
            var response = _handler(request);
            if (response.OnUpgrade is { } onUpgrade)
            {
                await AcceptWebSocketAsync(stream, headers["Sec-WebSocket-Key"], onUpgrade);
                return;
            }

            var payload = Encoding.UTF8.GetBytes(response.Body);
            var text = new StringBuilder()
                .Append(System.Globalization.CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {(HttpStatusCode)response.Status}\r\n")
                .Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Type: {response.ContentType}\r\n")
                .Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Length: {payload.Length}\r\n")
                .Append("Connection: close\r\n");
            foreach (var (name, headerValue) in response.Headers ?? new Dictionary<string, string>())
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {headerValue}\r\n");
            }

            text.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), _stop.Token);
            await stream.WriteAsync(payload, _stop.Token);
        }
    }

    private async Task AcceptWebSocketAsync(NetworkStream stream, string key, Func<WebSocket, CancellationToken, Task> onUpgrade)
    {
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for the handshake; it protects nothing.
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        var head = $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        await onUpgrade(socket, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}

internal sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

internal sealed record TestResponse(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>When set, the request is a WebSocket upgrade the server accepts (101) and runs this on.</summary>
    public Func<WebSocket, CancellationToken, Task>? OnUpgrade { get; init; }

    public static TestResponse Upgrade(Func<WebSocket, CancellationToken, Task> onUpgrade) => new(101, "") { OnUpgrade = onUpgrade };

    public static TestResponse Enrolled(int status = 201, string key = TestKeys.MachineKey, string disposition = "new") =>
        new(status, $$"""{"machineId":"{{TestKeys.MachineId}}","key":"{{key}}","enrollmentState":"active","disposition":"{{disposition}}"}""");

    public static TestResponse Pending() =>
        new(202, $$"""{"machineId":"{{TestKeys.MachineId}}","enrollmentState":"pending","disposition":"collision_pending"}""");

    public static TestResponse Problem(int status, string code, string detail, IReadOnlyDictionary<string, string>? headers = null) =>
        new(
            status,
            $$"""{"type":"https://guruconnect.dev/errors/x","title":"t","status":{{status}},"detail":"{{detail}}","code":"{{code}}","traceId":"00-trace-01"}""",
            "application/problem+json",
            headers);
}
