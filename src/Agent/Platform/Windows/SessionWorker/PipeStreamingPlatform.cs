using Google.Protobuf;
using GuruConnect.Agent.Platform.Windows.Capture;
using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// The LocalSystem service's streaming platform: screen, input and clipboard of the console session,
/// through the session worker's pipe. The service runs in session 0 and cannot see a user's desktop
/// itself (docs/agent.md "Session worker"). JPEG stays in the service (it encodes, the worker captures).
/// </summary>
internal sealed class PipeStreamingPlatform(IWorkerConnections workers, ILogger log, Func<IJpegEncoder?>? jpeg = null) : IStreamingPlatform
{
    /// <summary>How long the first viewer waits for a worker that is still starting.</summary>
    public static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(10);

    public IScreenSource OpenScreen() =>
        workers.WaitForConnection(OpenTimeout)
            ? new PipeScreen(workers, log)
            : throw new InvalidOperationException("no session worker is connected to the console session");

    public IInputInjector OpenInput() => new PipeInput(workers);

    public IClipboard? OpenClipboard() => new PipeClipboard(workers);

    public ICursorSource? OpenCursor() => null;

    public IJpegEncoder? OpenJpegEncoder() => jpeg?.Invoke();

    private sealed class PipeScreen(IWorkerConnections workers, ILogger log) : IScreenSource
    {
        private const int MaxDisplays = 64;

        private readonly Dictionary<uint, WorkerFrameMirror> mirrors = [];
        private readonly byte[] request = new byte[5];
        private IReadOnlyList<DisplayInfo> displays = [];
        private WorkerConnection? seen;

        public IReadOnlyList<DisplayInfo> GetDisplays()
        {
            if (Connection() is not { } connection)
                return displays;
            using var response = connection.Request(WorkerMessage.GetDisplays, default, WorkerMessage.Displays);
            if (!response.Received)
                return displays;
            try
            {
                var list = DisplayList.Parser.ParseFrom(response.Payload);
                if (list.Displays.Count > MaxDisplays)
                    throw new WorkerProtocolException($"{list.Displays.Count} displays.");
                displays = [.. list.Displays];
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or WorkerProtocolException)
            {
                WorkerLog.ProtocolBroken(log, ex.Message);
                connection.Close();
            }

            return displays;
        }

        public CapturedFrame Capture(uint displayId)
        {
            if (!mirrors.TryGetValue(displayId, out var mirror))
                mirrors[displayId] = mirror = new WorkerFrameMirror();
            if (Connection() is not { } connection)
                return default;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(request, displayId);
            request[4] = mirror.HasPixels ? (byte)0 : (byte)1;
            using var response = connection.Request(WorkerMessage.Capture, request, WorkerMessage.Frame);
            if (!response.Received)
            {
                mirror.Invalidate();
                return default;
            }

            try
            {
                mirror.Apply(response.Payload, displayId);
            }
            catch (WorkerProtocolException ex)
            {
                WorkerLog.ProtocolBroken(log, ex.Message);
                connection.Close();
                mirror.Invalidate();
                return default;
            }

            return mirror.Frame;
        }

        public void Dispose()
        {
            foreach (var mirror in mirrors.Values)
                mirror.Dispose();
            mirrors.Clear();
        }

        // A new worker knows nothing of what the old one sent: every mirror asks for all pixels again.
        private WorkerConnection? Connection()
        {
            var connection = workers.Current;
            if (!ReferenceEquals(connection, seen))
            {
                foreach (var mirror in mirrors.Values)
                    mirror.Invalidate();
                seen = connection;
            }

            return connection is { IsOpen: true } ? connection : null;
        }
    }

    private sealed class PipeInput(IWorkerConnections workers) : IInputInjector
    {
        public void MoveTo(int x, int y) => workers.Current?.MoveTo(x, y);

        public void Button(MouseButton button, bool down) => workers.Current?.Button(button, down);

        public void Wheel(int deltaX, int deltaY) => workers.Current?.Wheel(deltaX, deltaY);

        // The same answer SendInputInjector gives in the worker, without a round trip.
        public bool Key(string code, string key, bool down)
        {
            if (!ScanCodes.TryGet(code, out _, out _) && key.Length != 1)
                return false;
            workers.Current?.Key(code, key, down);
            return true;
        }

        public void Dispose()
        {
        }
    }

    private sealed class PipeClipboard : IClipboard
    {
        private readonly IWorkerConnections workers;

        public PipeClipboard(IWorkerConnections workers)
        {
            this.workers = workers;
            workers.ClipboardChanged += Forward;
        }

        public event Action<string>? Changed;

        public void SetText(string text) => workers.Current?.SetClipboard(text);

        public void Dispose() => workers.ClipboardChanged -= Forward;

        private void Forward(string text) => Changed?.Invoke(text);
    }
}
