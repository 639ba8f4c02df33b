using GuruConnect.Agent.Session;
using GuruConnect.Protocol.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// The streaming <see cref="IRemoteSession"/> of one agent connection. Viewer messages change the
/// <see cref="StreamPump"/> under a lock and wake the pump loop; the loop builds frames under the lock
/// and sends them outside it, awaiting each send (the back-pressure: frames are never queued here).
/// Input goes straight to the injector so it never waits behind an encode. The OS is opened when the
/// first viewer joins and closed when the last one leaves; where there is no screen (no X display, a
/// headless server) a viewer gets an empty DisplayList, as from a build without streaming.
/// </summary>
internal sealed class ScreenSession(IEnvelopeSender sender, IStreamingPlatform platform, TimeProvider time, ILogger? logger = null) : IRemoteSession
{
    private readonly ILogger log = logger ?? NullLogger.Instance;

    private readonly Lock gate = new();
    private readonly List<Envelope> outbox = [];

    // Orders a join's display list before the frames the loop builds for that viewer: the loop may
    // pump the moment the viewer is known, and the list must be on the wire first (docs/protocol.md).
    private readonly SemaphoreSlim sendOrder = new(1, 1);
    private TaskCompletionSource wakeup = NewSignal();
    private StreamPump? pump;
    private IScreenSource? screen;
    private IInputInjector? injector;
    private InputTranslator? input;
    private IClipboard? clipboard;
    private CursorTracker? cursor;
    private string? lastClipboard;
    private string? controller;
    private CancellationTokenSource? loopStop;
    private Task loop = Task.CompletedTask;

    public async ValueTask HandleAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        var viewerId = envelope.ViewerId;
        switch (envelope.PayloadCase)
        {
            case Envelope.PayloadOneofCase.ViewerJoined:
                await JoinAsync(string.IsNullOrEmpty(viewerId) ? envelope.ViewerJoined.ViewerId : viewerId, cancellationToken);
                break;
            case Envelope.PayloadOneofCase.ViewerLeft:
                await LeaveAsync(string.IsNullOrEmpty(viewerId) ? envelope.ViewerLeft.ViewerId : viewerId);
                break;
            case Envelope.PayloadOneofCase.FrameAck:
                Change(p => p.Ack(viewerId, envelope.FrameAck.Seq));
                break;
            case Envelope.PayloadOneofCase.QualityRequest:
                Change(p => p.SetQuality(viewerId, envelope.QualityRequest));
                break;
            case Envelope.PayloadOneofCase.SelectDisplay:
                Change(p => p.Select(viewerId, envelope.SelectDisplay.Id));
                break;
            case Envelope.PayloadOneofCase.SelectAllDisplays:
                Change(p => p.Select(viewerId, null));
                break;
            case Envelope.PayloadOneofCase.KeyframeRequest:
                Change(p => p.RequestKeyframe(viewerId));
                break;
            case Envelope.PayloadOneofCase.MouseInput:
                input?.Mouse(envelope.MouseInput);
                break;
            case Envelope.PayloadOneofCase.KeyInput:
                input?.Key(envelope.KeyInput);
                break;
            case Envelope.PayloadOneofCase.InputControlState:
                ControllerChanged(envelope.InputControlState.ControllerViewerId);
                break;
            case Envelope.PayloadOneofCase.ClipboardText:
                SetClipboard(envelope.ClipboardText.Text);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        sendOrder.Dispose();
    }

    private async Task JoinAsync(string viewerId, CancellationToken cancellationToken)
    {
        await sendOrder.WaitAsync(cancellationToken);
        try
        {
            Envelope list;
            lock (gate)
            {
                if (pump is null && !TryOpenScreen())
                    list = new Envelope { ViewerId = viewerId, DisplayList = new DisplayList() };
                else
                    list = JoinLocked(viewerId);
            }

            await sender.SendAsync(list, cancellationToken);
        }
        finally
        {
            sendOrder.Release();
        }

        Wake();
    }

    private bool TryOpenScreen()
    {
        try
        {
            screen = platform.OpenScreen();
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException)
        {
            StreamingLog.NoScreen(log, ex.Message);
            return false;
        }
    }

    private Envelope JoinLocked(string viewerId)
    {
        if (pump is null)
        {
            injector = platform.OpenInput();
            input = new InputTranslator(injector);
            clipboard = platform.OpenClipboard();
            if (clipboard is not null)
                clipboard.Changed += OnLocalClipboard;
            cursor = platform.OpenCursor() is { } pointer ? new CursorTracker(pointer, time) : null;
            pump = new StreamPump(screen!, time, platform.OpenJpegEncoder());
            screen!.NotifyChanges(Wake);
            loopStop = new CancellationTokenSource();
            loop = Task.Run(() => RunAsync(loopStop.Token), CancellationToken.None);
            StreamingLog.Started(log, screen!.GetDisplays().Count);
        }

        cursor?.Join(viewerId);
        return pump.Join(viewerId);
    }

    private async Task LeaveAsync(string viewerId)
    {
        bool last;
        lock (gate)
        {
            if (pump is null)
                return;
            pump.Leave(viewerId);
            last = pump.ViewerCount == 0;
            if (viewerId == controller || last)
                input?.ReleaseAll();
        }

        if (last)
            await StopAsync();
    }

    private void ControllerChanged(string newController)
    {
        lock (gate)
        {
            if (controller is not null && controller != newController)
                input?.ReleaseAll();
            controller = string.IsNullOrEmpty(newController) ? null : newController;
        }
    }

    private void Change(Action<StreamPump> change)
    {
        lock (gate)
        {
            if (pump is null)
                return;
            change(pump);
        }

        Wake();
    }

    private void SetClipboard(string received)
    {
        if (ClipboardFilter.Accept(received) is not { } text)
            return;
        lock (gate)
        {
            if (clipboard is null)
                return;
            lastClipboard = text;
            clipboard.SetText(text);
        }
    }

    private void OnLocalClipboard(string copied)
    {
        if (ClipboardFilter.Accept(copied) is not { } text)
            return;
        lock (gate)
        {
            // Our own SetText echoing back is not news.
            if (pump is null || text == lastClipboard)
                return;
            lastClipboard = text;
        }

        _ = SendQuietlyAsync(new Envelope { ClipboardText = new ClipboardText { Text = text } });
    }

    private async Task SendQuietlyAsync(Envelope envelope)
    {
        try
        {
            await sender.SendAsync(envelope, loopStop?.Token ?? CancellationToken.None);
        }
        catch (Exception)
        {
            // The connection is going away; the session ends with it.
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                TimeSpan? wait;
                Task woken;
                lock (gate)
                {
                    if (wakeup.Task.IsCompleted)
                        wakeup = NewSignal();
                    woken = wakeup.Task;
                    if (pump is null)
                        return;
                    outbox.Clear();
                    pump.Pump(outbox);
                    cursor?.Round(outbox);
                    wait = pump.NextWake();
                }

                await sendOrder.WaitAsync(cancellationToken);
                try
                {
                    foreach (var envelope in outbox)
                        await sender.SendAsync(envelope, cancellationToken);
                }
                finally
                {
                    sendOrder.Release();
                }

                if (wait == TimeSpan.Zero)
                    continue;
                await Task.WhenAny(woken, Task.Delay(TimerWait(wait), time, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            StreamingLog.Failed(log, ex);
        }
    }

    private void Wake()
    {
        lock (gate)
            wakeup.TrySetResult();
    }

    private async Task StopAsync()
    {
        CancellationTokenSource? stop;
        lock (gate)
        {
            stop = loopStop;
            loopStop = null;
        }

        if (stop is null)
            return;
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (Exception)
        {
            // A send that failed because the connection closed: nothing left to stream to.
        }

        stop.Dispose();
        lock (gate)
        {
            input?.ReleaseAll();
            if (clipboard is not null)
                clipboard.Changed -= OnLocalClipboard;
            clipboard?.Dispose();
            cursor?.Dispose();
            injector?.Dispose();
            pump?.Dispose();
            screen?.Dispose();
            (clipboard, cursor, injector, input, pump, screen, controller) = (null, null, null, null, null, null, null);
        }

        StreamingLog.Stopped(log);
    }

    /// <summary>
    /// What to give the timer for the pump's <see cref="StreamPump.NextWake"/> (null: until woken). The
    /// system timer counts whole milliseconds and truncates, so 0.6 ms fired at once and 12.9 ms after 12,
    /// and the loop spun through the rest (bench/Latency traced ~60 rounds before each frame interval
    /// ended). Rounded up, it wakes at or after the moment asked for.
    /// </summary>
    internal static TimeSpan TimerWait(TimeSpan? wait) =>
        wait is { } w ? TimeSpan.FromMilliseconds(Math.Ceiling(w.TotalMilliseconds)) : Timeout.InfiniteTimeSpan;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
