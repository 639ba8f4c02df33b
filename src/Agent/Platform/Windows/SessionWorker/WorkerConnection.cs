using System.Buffers.Binary;
using System.Text;
using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// The service's end of one session worker's pipe. Captures and display lists are request/response, one
/// at a time (the session's pump asks from one thread); input and clipboard text are fire-and-forget;
/// the worker's clipboard notices arrive unasked. One read loop owns the pipe's input: it hands a
/// response to the waiting request and pauses until that request has copied it, so the frame buffer is
/// never copied twice. Anything malformed, an unexpected message, or a worker that does not answer in
/// <see cref="ResponseTimeout"/> closes the connection (and the supervisor restarts the worker); it never
/// throws into the session.
/// </summary>
internal sealed class WorkerConnection : IDisposable
{
    public const uint ProtocolVersion = 1;

    /// <summary>Clipboard text over this (UTF-8) is not carried: the protocol's own limit.</summary>
    public const int MaxClipboardBytes = ProtocolLimits.MaxClipboardBytes;

    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(5);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream stream;
    private readonly WorkerFrameReader reader;
    private readonly WorkerFrameWriter writer;
    private readonly ILogger log;
    private readonly CancellationTokenSource closed = new();
    private readonly SemaphoreSlim responseReady = new(0);
    private readonly SemaphoreSlim responseConsumed = new(0);
    private readonly Lock requestGate = new();
    private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] small = new byte[256];
    private volatile int expected;

    private WorkerConnection(Stream stream, ILogger log)
    {
        this.stream = stream;
        this.log = log;
        reader = new WorkerFrameReader(stream, WorkerFrameCodec.MaxPayload);
        writer = new WorkerFrameWriter(stream);
    }

    /// <summary>Text someone copied in the worker's session (raised on the read loop).</summary>
    public event Action<string>? ClipboardChanged;

    /// <summary>Completes when the pipe closed, for whatever reason.</summary>
    public Task Completion => completion.Task;

    public bool IsOpen => !closed.IsCancellationRequested;

    /// <summary>
    /// Waits for the worker's hello (right protocol version), then starts reading; <paramref name="clipboardChanged"/>
    /// is subscribed before the first read, so a copy the worker reports right after its hello reaches it.
    /// </summary>
    public static async Task<WorkerConnection> OpenAsync(Stream stream, ILogger log, CancellationToken cancellationToken, Action<string>? clipboardChanged = null)
    {
        var connection = new WorkerConnection(stream, log);
        connection.ClipboardChanged += clipboardChanged;
        try
        {
            if (!await connection.reader.ReadAsync(cancellationToken) || connection.reader.Type != WorkerMessage.Hello || connection.reader.Payload.Length != 4)
                throw new WorkerProtocolException("The session worker did not say hello.");
            var version = BinaryPrimitives.ReadUInt32LittleEndian(connection.reader.Payload);
            if (version != ProtocolVersion)
                throw new WorkerProtocolException($"The session worker speaks pipe protocol {version}, not {ProtocolVersion}.");
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        // Its own thread, blocking reads: the pump waits synchronously for responses, and a read loop on
        // the thread pool could starve behind the very threads that wait for it.
        new Thread(connection.ReadLoop) { IsBackground = true, Name = "session-worker pipe" }.Start();
        return connection;
    }

    /// <summary>
    /// Sends <paramref name="request"/> and waits for its <paramref name="response"/>. Dispose the result
    /// when done with its payload (the read loop waits for that); a result that was not
    /// <see cref="WorkerResponse.Received"/> means the connection is closed now.
    /// </summary>
    public WorkerResponse Request(WorkerMessage request, ReadOnlySpan<byte> payload, WorkerMessage response)
    {
        requestGate.Enter();
        try
        {
            expected = (int)response;
            if (!TrySend(request, payload))
                return Failed();
            if (!responseReady.Wait(ResponseTimeout, closed.Token))
            {
                WorkerLog.NoAnswer(log, request.ToString(), ResponseTimeout.TotalSeconds);
                Close();
                return Failed();
            }

            return new WorkerResponse(this, reader.Payload);
        }
        catch (OperationCanceledException)
        {
            return Failed();
        }
        catch
        {
            requestGate.Exit();
            throw;
        }
    }

    public void MoveTo(int x, int y)
    {
        lock (small)
        {
            BinaryPrimitives.WriteInt32LittleEndian(small, x);
            BinaryPrimitives.WriteInt32LittleEndian(small.AsSpan(4), y);
            TrySend(WorkerMessage.MouseMove, small.AsSpan(0, 8));
        }
    }

    public void Button(MouseButton button, bool down)
    {
        lock (small)
        {
            small[0] = (byte)button;
            small[1] = down ? (byte)1 : (byte)0;
            TrySend(WorkerMessage.Button, small.AsSpan(0, 2));
        }
    }

    public void Wheel(int deltaX, int deltaY)
    {
        lock (small)
        {
            BinaryPrimitives.WriteInt32LittleEndian(small, deltaX);
            BinaryPrimitives.WriteInt32LittleEndian(small.AsSpan(4), deltaY);
            TrySend(WorkerMessage.Wheel, small.AsSpan(0, 8));
        }
    }

    public void Key(string code, string key, bool down)
    {
        lock (small)
        {
            if (WorkerKey.Encode(code, key, down, small) is var length and > 0)
                TrySend(WorkerMessage.Key, small.AsSpan(0, length));
        }
    }

    public void SetClipboard(string text)
    {
        // Encoding.UTF8 replaces a lone surrogate instead of throwing; the worker's strict decoder then accepts it.
        if (Encoding.UTF8.GetByteCount(text) > MaxClipboardBytes)
            return;
        TrySend(WorkerMessage.SetClipboard, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Closes the pipe; the read loop ends and every waiting request returns unanswered.</summary>
    public void Close()
    {
        if (closed.IsCancellationRequested)
            return;
        try
        {
            closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        stream.Dispose();
    }

    public void Dispose()
    {
        Close();
        completion.TrySetResult();
    }

    internal void EndResponse()
    {
        responseConsumed.Release();
        requestGate.Exit();
    }

    private WorkerResponse Failed()
    {
        requestGate.Exit();
        return default;
    }

    private bool TrySend(WorkerMessage type, ReadOnlySpan<byte> payload)
    {
        if (closed.IsCancellationRequested)
            return false;
        try
        {
            writer.Write(type, payload);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Close();
            return false;
        }
    }

    private void ReadLoop()
    {
        try
        {
            while (reader.Read())
            {
                switch (reader.Type)
                {
                    case WorkerMessage.ClipboardChanged:
                        if (reader.Payload.Length > MaxClipboardBytes)
                            throw new WorkerProtocolException("Clipboard text over the pipe's limit.");
                        // Decoded even with nobody listening: malformed text is a broken worker either way.
                        var text = StrictUtf8.GetString(reader.Payload);
                        ClipboardChanged?.Invoke(text);
                        break;
                    case WorkerMessage.Displays or WorkerMessage.Frame when (int)reader.Type == expected:
                        expected = 0;
                        responseReady.Release();
                        responseConsumed.Wait(closed.Token);
                        break;
                    default:
                        throw new WorkerProtocolException($"The session worker sent {reader.Type} unasked.");
                }
            }
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
        }
        catch (WorkerProtocolException ex)
        {
            WorkerLog.ProtocolBroken(log, ex.Message);
        }
        catch (DecoderFallbackException)
        {
            WorkerLog.ProtocolBroken(log, "Clipboard text that is not UTF-8.");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
        finally
        {
            // The reader's pooled buffer is left to the GC: a request may still be copying out of it.
            Close();
            completion.TrySetResult();
        }
    }
}

/// <summary>A response's payload, valid until disposed (which lets the connection read on).</summary>
internal readonly ref struct WorkerResponse
{
    private readonly WorkerConnection? owner;

    public WorkerResponse(WorkerConnection owner, ReadOnlySpan<byte> payload)
    {
        this.owner = owner;
        Payload = payload;
    }

    public bool Received => owner is not null;

    public ReadOnlySpan<byte> Payload { get; }

    public void Dispose() => owner?.EndResponse();
}
