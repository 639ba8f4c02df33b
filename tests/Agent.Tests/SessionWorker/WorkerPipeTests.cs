using System.Buffers.Binary;
using GuruConnect.Agent.Platform.Windows.SessionWorker;
using GuruConnect.Agent.Streaming;
using GuruConnect.Agent.Tests.Streaming;
using Microsoft.Extensions.Logging.Abstractions;

namespace GuruConnect.Agent.Tests.SessionWorker;

/// <summary>
/// The service ↔ session-worker pipe protocol (docs/agent.md "Session worker") over a real pipe: frames
/// with damage, input and clipboard both ways end to end through the real <see cref="WorkerServer"/> and
/// the service's <see cref="PipeStreamingPlatform"/>; malformed and oversized frames close the pipe and
/// leave an empty capture, never an exception in the session.
/// </summary>
public sealed class WorkerPipeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_capture_sends_every_pixel_first_then_only_the_damage()
    {
        await using var rig = await Rig.StartAsync(new FakeScreen(200, 100) { ReportsDamage = true });
        using var screen = rig.Platform.OpenScreen();
        screen.GetDisplays().ShouldBe(rig.Screen.GetDisplays());

        rig.Screen.Noise(1);
        var first = screen.Capture(1);
        first.Width.ShouldBe(200);
        first.DamageKnown.ShouldBeFalse("a first frame's damage cannot be known to the viewers' copy");
        first.Pixels.SequenceEqual(rig.Screen.Pixels()).ShouldBeTrue();

        // A change the OS did not report must not travel: proof that only the damage crossed the pipe.
        var unreported = rig.Screen.Pixels()[0];
        rig.Screen.Pixels()[0] ^= 0xFF;
        rig.Screen.Fill(new PixelRect(10, 20, 30, 5), 0xFF112233);
        var second = screen.Capture(1);
        second.DamageKnown.ShouldBeTrue();
        second.Damage.ToArray().ShouldBe([new PixelRect(10, 20, 30, 5)]);
        var mirror = second.Pixels.ToArray();
        mirror[0].ShouldBe(unreported);
        for (var y = 20; y < 25; y++)
            mirror.AsSpan((y * 800) + 40, 120).SequenceEqual(rig.Screen.Pixels().AsSpan((y * 800) + 40, 120)).ShouldBeTrue();

        var idle = screen.Capture(1);
        idle.DamageKnown.ShouldBeTrue();
        idle.Damage.Length.ShouldBe(0);
    }

    [Fact]
    public async Task Without_damage_hints_every_frame_is_whole()
    {
        await using var rig = await Rig.StartAsync(new FakeScreen(64, 32));
        using var screen = rig.Platform.OpenScreen();
        for (var i = 0; i < 3; i++)
        {
            rig.Screen.Noise(i);
            var frame = screen.Capture(1);
            frame.DamageKnown.ShouldBeFalse();
            frame.Pixels.SequenceEqual(rig.Screen.Pixels()).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task A_steady_damage_capture_allocates_nothing_on_the_pump_thread()
    {
        await using var rig = await Rig.StartAsync(new FakeScreen(320, 200) { ReportsDamage = true });
        using var screen = rig.Platform.OpenScreen();
        for (var i = 0; i < 5; i++)
        {
            rig.Screen.Fill(new PixelRect(i, i, 64, 64), 0xFF000000u + (uint)i);
            _ = screen.Capture(1);
        }

        long allocated = 0;
        for (var i = 0; i < 20; i++)
        {
            rig.Screen.Fill(new PixelRect(i, 2 * i, 64, 64), 0xFF000000u + (uint)i);
            var before = GC.GetAllocatedBytesForCurrentThread();
            _ = screen.Capture(1);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }

        allocated.ShouldBe(0);
    }

    [Fact]
    public async Task Input_and_clipboard_cross_the_pipe_both_ways()
    {
        await using var rig = await Rig.StartAsync(new FakeScreen(64, 64));
        using var input = rig.Platform.OpenInput();
        using var clipboard = rig.Platform.OpenClipboard()!;
        var copied = new List<string>();
        clipboard.Changed += text =>
        {
            lock (copied)
                copied.Add(text);
        };

        input.MoveTo(-5, 700);
        input.Button(MouseButton.Secondary, true);
        input.Wheel(0, -240);
        input.Key("KeyA", "a", true).ShouldBeTrue();
        input.Key("", "é", true).ShouldBeTrue();
        input.Key("NoSuchKey", "Dead", true).ShouldBeFalse();
        clipboard.SetText("héllo\nwörld");
        rig.Clipboard.Copy("copied in the session ✓");

        await Eventually.TrueAsync(() => rig.Input.Events.Count == 5 && rig.Clipboard.Set.Count == 1, "the input and clipboard text");
        rig.Input.Events.ShouldBe(["move -5,700", "button Secondary down", "wheel 0,-240", "key KeyA down", "key  down"]);
        rig.Clipboard.Set.ShouldBe(["héllo\nwörld"]);
        await Eventually.TrueAsync(() => { lock (copied) return copied.Count == 1; }, "the session's clipboard text");
        copied.ShouldBe(["copied in the session ✓"]);
    }

    public static TheoryData<string, byte[]> MalformedFrames()
    {
        var data = new TheoryData<string, byte[]>
        {
            { "shorter than its header", new byte[10] },
            { "another display", Frame(id: 2, 4, 4, WorkerFrameCodec.FullPixelsFlag, [], 64) },
            { "zero width", Frame(1, 0, 4, WorkerFrameCodec.FullPixelsFlag, [], 0) },
            { "negative height", Frame(1, 4, -4, WorkerFrameCodec.FullPixelsFlag, [], 0) },
            { "wider than any desktop", Frame(1, 20000, 1, WorkerFrameCodec.FullPixelsFlag, [], 80000) },
            { "unknown flags", Frame(1, 4, 4, 0x80 | WorkerFrameCodec.FullPixelsFlag, [], 64) },
            { "no damage yet not whole", Frame(1, 4, 4, 0, [], 0) },
            { "rectangles without damage", Frame(1, 4, 4, WorkerFrameCodec.FullPixelsFlag, [new PixelRect(0, 0, 1, 1)], 64) },
            { "a rectangle outside the frame", Frame(1, 4, 4, WorkerFrameCodec.DamageKnownFlag | WorkerFrameCodec.FullPixelsFlag, [new PixelRect(3, 3, 2, 1)], 64) },
            { "an overflowing rectangle", Frame(1, 4, 4, WorkerFrameCodec.DamageKnownFlag | WorkerFrameCodec.FullPixelsFlag, [new PixelRect(int.MaxValue, 0, 2, 1)], 64) },
            { "too many rectangles", Frame(1, 4, 4, WorkerFrameCodec.DamageKnownFlag | WorkerFrameCodec.FullPixelsFlag, new PixelRect[WorkerFrameCodec.MaxRects + 1], 64) },
            { "one pixel byte short", Frame(1, 4, 4, WorkerFrameCodec.FullPixelsFlag, [], 63) },
            { "one pixel byte long", Frame(1, 4, 4, WorkerFrameCodec.FullPixelsFlag, [], 65) },
            { "a patch with no copy to patch", Frame(1, 4, 4, WorkerFrameCodec.DamageKnownFlag, [new PixelRect(0, 0, 1, 1)], 4) },
        };
        var lying = Frame(1, 4, 4, WorkerFrameCodec.FullPixelsFlag, [], 64);
        BinaryPrimitives.WriteInt32LittleEndian(lying.AsSpan(13), -1);
        data.Add("a negative rectangle count", lying);
        return data;
    }

    [Theory, MemberData(nameof(MalformedFrames))]
    public async Task A_malformed_frame_closes_the_pipe_and_the_capture_is_empty(string what, byte[] payload)
    {
        await using var raw = await RawWorker.StartAsync();
        using var screen = raw.Platform.OpenScreen();
        var answering = raw.AnswerAsync(WorkerMessage.Frame, payload);

        var frame = screen.Capture(1);

        frame.IsEmpty.ShouldBeTrue(what);
        await raw.Connection.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        raw.Connection.IsOpen.ShouldBeFalse();
        screen.Capture(1).IsEmpty.ShouldBeTrue();
        await answering;
    }

    [Fact]
    public async Task An_oversized_frame_is_refused_from_its_header()
    {
        await using var raw = await RawWorker.StartAsync();
        var header = new byte[WorkerFrameReader.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, WorkerFrameCodec.MaxPayload + 1u);
        header[4] = (byte)WorkerMessage.Frame;
        await raw.Pipe.Worker.WriteAsync(header, Ct);
        await raw.Pipe.Worker.FlushAsync(Ct);

        await raw.Connection.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        raw.Connection.IsOpen.ShouldBeFalse();
    }

    [Theory]
    [InlineData((byte)WorkerMessage.Frame, 0)]
    [InlineData((byte)WorkerMessage.Hello, 4)]
    [InlineData((byte)WorkerMessage.MouseMove, 8)]
    [InlineData((byte)0, 0)]
    [InlineData((byte)200, 3)]
    public async Task An_unasked_or_unknown_message_closes_the_pipe(byte type, int length)
    {
        await using var raw = await RawWorker.StartAsync();
        var frame = new byte[WorkerFrameReader.HeaderSize + length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)length);
        frame[4] = type;
        await raw.Pipe.Worker.WriteAsync(frame, Ct);
        await raw.Pipe.Worker.FlushAsync(Ct);

        await raw.Connection.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        raw.Connection.IsOpen.ShouldBeFalse();
    }

    [Fact]
    public async Task Clipboard_text_that_is_not_utf8_closes_the_pipe()
    {
        await using var raw = await RawWorker.StartAsync();
        new WorkerFrameWriter(raw.Pipe.Worker).Write(WorkerMessage.ClipboardChanged, [0x61, 0xC3, 0x28]);
        await raw.Connection.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        raw.Connection.IsOpen.ShouldBeFalse();
    }

    [Fact]
    public async Task A_garbage_display_list_closes_the_pipe()
    {
        await using var raw = await RawWorker.StartAsync();
        using var screen = raw.Platform.OpenScreen();
        var answering = raw.AnswerAsync(WorkerMessage.Displays, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);

        screen.GetDisplays().ShouldBeEmpty();

        await raw.Connection.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await answering;
    }

    [Fact]
    public async Task A_worker_of_another_protocol_version_is_refused()
    {
        using var pipe = await PipePair.ConnectAsync();
        var hello = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(hello, WorkerConnection.ProtocolVersion + 1);
        new WorkerFrameWriter(pipe.Worker).Write(WorkerMessage.Hello, hello);

        await Should.ThrowAsync<WorkerProtocolException>(() => WorkerConnection.OpenAsync(pipe.Service, NullLogger.Instance, Ct));
    }

    public static TheoryData<string, byte, byte[]> MalformedRequests() => new()
    {
        { "a capture without its flag", (byte)WorkerMessage.Capture, [1, 0, 0, 0] },
        { "a button past Forward", (byte)WorkerMessage.Button, [9, 1] },
        { "a key longer than its payload", (byte)WorkerMessage.Key, [1, 50, 0x41] },
        { "a key with bytes left over", (byte)WorkerMessage.Key, [1, 1, 0x41, 0, 0x42] },
        { "clipboard text that is not UTF-8", (byte)WorkerMessage.SetClipboard, [0xC3, 0x28] },
        { "a response sent to the worker", (byte)WorkerMessage.Frame, [] },
    };

    [Theory, MemberData(nameof(MalformedRequests))]
    public async Task The_worker_refuses_a_malformed_request(string what, byte type, byte[] payload)
    {
        using var pipe = await PipePair.ConnectAsync();
        var worker = Task.Run(() => new WorkerServer(pipe.Worker, new FakeScreen(8, 8), new RecordingInjector(), new FakeClipboard()).Run(), Ct);
        using var connection = await WorkerConnection.OpenAsync(pipe.Service, NullLogger.Instance, Ct);
        new WorkerFrameWriter(pipe.Service).Write((WorkerMessage)type, payload);

        (await Should.ThrowAsync<WorkerProtocolException>(worker.WaitAsync(TimeSpan.FromSeconds(10), Ct))).Message.ShouldNotBeNullOrEmpty(what);
    }

    [Fact]
    public async Task The_worker_refuses_an_oversized_request_from_its_header()
    {
        using var pipe = await PipePair.ConnectAsync();
        var worker = Task.Run(() => new WorkerServer(pipe.Worker, new FakeScreen(8, 8), new RecordingInjector(), null).Run(), Ct);
        using var connection = await WorkerConnection.OpenAsync(pipe.Service, NullLogger.Instance, Ct);
        var header = new byte[WorkerFrameReader.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, uint.MaxValue);
        header[4] = (byte)WorkerMessage.SetClipboard;
        await pipe.Service.WriteAsync(header, Ct);

        await Should.ThrowAsync<WorkerProtocolException>(worker.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    private static byte[] Frame(uint id, int width, int height, int flags, PixelRect[] rects, int pixelBytes)
    {
        var payload = new byte[WorkerFrameCodec.MetaSize + (rects.Length * WorkerFrameCodec.RectSize) + pixelBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, id);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(4), width);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(8), height);
        payload[12] = (byte)flags;
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(13), rects.Length);
        for (var i = 0; i < rects.Length; i++)
        {
            var at = payload.AsSpan(WorkerFrameCodec.MetaSize + (i * WorkerFrameCodec.RectSize));
            BinaryPrimitives.WriteInt32LittleEndian(at, rects[i].X);
            BinaryPrimitives.WriteInt32LittleEndian(at[4..], rects[i].Y);
            BinaryPrimitives.WriteInt32LittleEndian(at[8..], rects[i].Width);
            BinaryPrimitives.WriteInt32LittleEndian(at[12..], rects[i].Height);
        }

        return payload;
    }

    /// <summary>One connection the service's platform always uses.</summary>
    internal sealed class FixedWorker(WorkerConnection connection) : IWorkerConnections
    {
        public WorkerConnection? Current => connection;

        public event Action<string>? ClipboardChanged
        {
            add => connection.ClipboardChanged += value;
            remove => connection.ClipboardChanged -= value;
        }

        public bool WaitForConnection(TimeSpan timeout) => connection.IsOpen;
    }

    /// <summary>The real worker over a real pipe, serving a fake screen, input and clipboard.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private PipePair pipe = null!;
        private Task worker = Task.CompletedTask;

        public FakeScreen Screen { get; private init; } = null!;

        public RecordingInjector Input { get; } = new();

        public FakeClipboard Clipboard { get; } = new();

        public WorkerConnection Connection { get; private set; } = null!;

        public PipeStreamingPlatform Platform { get; private set; } = null!;

        public static async Task<Rig> StartAsync(FakeScreen screen)
        {
            var rig = new Rig { Screen = screen };
            rig.pipe = await PipePair.ConnectAsync();
            rig.worker = Task.Run(() => new WorkerServer(rig.pipe.Worker, screen, rig.Input, rig.Clipboard).Run(), Ct);
            rig.Connection = await WorkerConnection.OpenAsync(rig.pipe.Service, NullLogger.Instance, Ct);
            rig.Platform = new PipeStreamingPlatform(new FixedWorker(rig.Connection), NullLogger.Instance);
            return rig;
        }

        public async ValueTask DisposeAsync()
        {
            Connection.Dispose();
            try
            {
                await worker.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            }
            catch (IOException)
            {
                // The service end went away mid-write: what a worker sees when the service stops.
            }

            pipe.Dispose();
        }
    }

    /// <summary>A hand-driven worker end: says hello, then answers the next request with whatever bytes a test gives.</summary>
    private sealed class RawWorker : IAsyncDisposable
    {
        public PipePair Pipe { get; private set; } = null!;

        public WorkerConnection Connection { get; private set; } = null!;

        public PipeStreamingPlatform Platform { get; private set; } = null!;

        public static async Task<RawWorker> StartAsync()
        {
            var raw = new RawWorker { Pipe = await PipePair.ConnectAsync() };
            var hello = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(hello, WorkerConnection.ProtocolVersion);
            new WorkerFrameWriter(raw.Pipe.Worker).Write(WorkerMessage.Hello, hello);
            raw.Connection = await WorkerConnection.OpenAsync(raw.Pipe.Service, NullLogger.Instance, Ct);
            raw.Platform = new PipeStreamingPlatform(new FixedWorker(raw.Connection), NullLogger.Instance);
            return raw;
        }

        public Task AnswerAsync(WorkerMessage type, byte[] payload) => Task.Run(
            () =>
            {
                using var reader = new WorkerFrameReader(Pipe.Worker, 1024);
                if (reader.Read())
                    new WorkerFrameWriter(Pipe.Worker).Write(type, payload);
            },
            Ct);

        public ValueTask DisposeAsync()
        {
            Connection.Dispose();
            Pipe.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
