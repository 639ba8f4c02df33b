using System.Net.WebSockets;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Protocol.Tests;

public sealed class WebSocketMessageReaderTests
{
    private const int Cap = 64 * 1024;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_under_the_cap_is_returned_whole()
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var pool = new RecordingArrayPool();
        var reader = new WebSocketMessageReader(Cap, pool);
        var sent = Bytes(10_000, seed: 1);

        await pair.Client.SendAsync(sent, WebSocketMessageType.Binary, endOfMessage: true, Token);
        var result = await reader.ReadAsync(pair.Server, Token);

        result.Status.ShouldBe(WebSocketReadStatus.Message);
        result.Span.ToArray().ShouldBe(sent);
        reader.Return(result);
        pool.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task A_message_split_over_many_fragments_is_returned_whole()
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var reader = new WebSocketMessageReader(Cap, new RecordingArrayPool(), initialBufferBytes: 16);
        var sent = Bytes(Cap - 1, seed: 2);

        await SendFragmentedAsync(pair.Client, sent, new Random(3));
        var result = await reader.ReadAsync(pair.Server, Token);

        result.Status.ShouldBe(WebSocketReadStatus.Message);
        result.Span.ToArray().ShouldBe(sent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_message_of_exactly_the_cap_is_accepted(bool emptyFinalFragment)
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var reader = new WebSocketMessageReader(Cap, new RecordingArrayPool());
        var sent = Bytes(Cap, seed: 4);

        // With an empty final fragment the reader is full before it sees the end of the message.
        await pair.Client.SendAsync(sent, WebSocketMessageType.Binary, endOfMessage: !emptyFinalFragment, Token);
        if (emptyFinalFragment)
        {
            await pair.Client.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Binary, endOfMessage: true, Token);
        }

        var result = await reader.ReadAsync(pair.Server, Token);

        result.Status.ShouldBe(WebSocketReadStatus.Message);
        result.Length.ShouldBe(Cap);
        result.Span.SequenceEqual(sent).ShouldBeTrue();
    }

    [Theory]
    [InlineData(Cap + 1)]
    [InlineData(Cap * 16)]
    public async Task A_message_over_the_cap_is_TooLarge_without_buffering_more_than_the_cap(int size)
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var pool = new RecordingArrayPool();
        var reader = new WebSocketMessageReader(Cap, pool, initialBufferBytes: 1000);

        var sending = SendFragmentedAsync(pair.Client, Bytes(size, seed: 5), new Random(6));
        var result = await reader.ReadAsync(pair.Server, Token);

        result.Status.ShouldBe(WebSocketReadStatus.TooLarge);
        result.Buffer.ShouldBeNull();
        pool.LargestRequest.ShouldBeLessThanOrEqualTo(Cap);
        pool.Outstanding.ShouldBe(0);

        // The rest of the message is unread; the caller closes with 1009 and drops the connection.
        pair.Server.Abort();
        pair.KillClient();
        await Task.WhenAny(sending);
    }

    [Fact]
    public async Task A_pool_that_hands_out_larger_arrays_does_not_stretch_the_cap()
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        const int cap = 100_000; // Rent(100 000) gives a 131 072-byte array
        var reader = new WebSocketMessageReader(cap, new RecordingArrayPool(roundUpToPowerOfTwo: true));

        await pair.Client.SendAsync(Bytes(cap, seed: 7), WebSocketMessageType.Binary, endOfMessage: true, Token);
        await pair.Client.SendAsync(Bytes(cap + 1, seed: 8), WebSocketMessageType.Binary, endOfMessage: true, Token);

        (await reader.ReadAsync(pair.Server, Token)).Status.ShouldBe(WebSocketReadStatus.Message);
        (await reader.ReadAsync(pair.Server, Token)).Status.ShouldBe(WebSocketReadStatus.TooLarge);
    }

    [Fact]
    public async Task Consecutive_messages_are_read_one_at_a_time()
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var pool = new RecordingArrayPool();
        var reader = new WebSocketMessageReader(Cap, pool);
        byte[][] sent = [Bytes(5, seed: 9), Bytes(20_000, seed: 10), [], Bytes(1, seed: 11)];

        foreach (var message in sent)
        {
            await pair.Client.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, Token);
        }

        foreach (var message in sent)
        {
            var result = await reader.ReadAsync(pair.Server, Token);
            result.Status.ShouldBe(WebSocketReadStatus.Message);
            result.Span.ToArray().ShouldBe(message);
            reader.Return(result);
        }

        pool.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task Nothing_is_rented_while_waiting_for_a_message()
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var pool = new RecordingArrayPool();
        var reader = new WebSocketMessageReader(Cap, pool);

        var reading = reader.ReadAsync(pair.Server, Token).AsTask();
        await Task.Delay(100, Token);

        reading.IsCompleted.ShouldBeFalse();
        pool.LargestRequest.ShouldBe(0);
        await pair.Client.SendAsync(Bytes(3, seed: 12), WebSocketMessageType.Binary, endOfMessage: true, Token);
        (await reading).Length.ShouldBe(3);
    }

    [Fact]
    public async Task A_text_message_is_NotBinary()
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var pool = new RecordingArrayPool();
        var reader = new WebSocketMessageReader(Cap, pool);

        await pair.Client.SendAsync("{\"hello\":1}"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, Token);
        var result = await reader.ReadAsync(pair.Server, Token);

        result.Status.ShouldBe(WebSocketReadStatus.NotBinary);
        result.Buffer.ShouldBeNull();
        pool.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task A_close_frame_is_Closed_with_the_peers_status()
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var reader = new WebSocketMessageReader(Cap, new RecordingArrayPool());

        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", Token);
        var result = await reader.ReadAsync(pair.Server, Token);

        result.Status.ShouldBe(WebSocketReadStatus.Closed);
        result.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        result.CloseStatusDescription.ShouldBe("bye");
    }

    [Fact]
    public async Task A_close_in_the_middle_of_a_message_is_Closed_and_returns_the_buffer()
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var pool = new RecordingArrayPool();
        var reader = new WebSocketMessageReader(Cap, pool);

        await pair.Client.SendAsync(Bytes(100, seed: 13), WebSocketMessageType.Binary, endOfMessage: false, Token);
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "going", Token);
        var result = await reader.ReadAsync(pair.Server, Token);

        result.Status.ShouldBe(WebSocketReadStatus.Closed);
        result.CloseStatus.ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
        pool.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task A_peer_that_vanishes_is_Closed_without_a_status()
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var pool = new RecordingArrayPool();
        var reader = new WebSocketMessageReader(Cap, pool);

        await pair.Client.SendAsync(Bytes(100, seed: 14), WebSocketMessageType.Binary, endOfMessage: false, Token);
        pair.KillClient();
        var result = await reader.ReadAsync(pair.Server, Token);

        result.Status.ShouldBe(WebSocketReadStatus.Closed);
        result.CloseStatus.ShouldBeNull();
        pool.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task A_socket_aborted_by_another_task_is_Closed_not_cancelled()
    {
        // How the server supersedes or revokes a connection while its read loop waits.
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var pool = new RecordingArrayPool();
        var reader = new WebSocketMessageReader(Cap, pool);

        await pair.Client.SendAsync(Bytes(100, seed: 16), WebSocketMessageType.Binary, endOfMessage: false, Token);
        var reading = reader.ReadAsync(pair.Server, Token).AsTask();
        await WhenAsync(() => pool.LargestRequest > 0); // mid-message, holding a buffer
        pair.Server.Abort();
        var result = await reading;

        result.Status.ShouldBe(WebSocketReadStatus.Closed);
        result.CloseStatus.ShouldBeNull();
        pool.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task Cancellation_throws_and_returns_the_buffer()
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var pool = new RecordingArrayPool();
        var reader = new WebSocketMessageReader(Cap, pool);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);

        await pair.Client.SendAsync(Bytes(100, seed: 15), WebSocketMessageType.Binary, endOfMessage: false, Token);
        var reading = reader.ReadAsync(pair.Server, cancel.Token).AsTask();
        await WhenAsync(() => pool.LargestRequest > 0); // mid-message, holding a buffer
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(reading);
        pool.Outstanding.ShouldBe(0);
    }

    [Theory]
    [InlineData(Envelope.PayloadOneofCase.VideoFrame)]
    [InlineData(Envelope.PayloadOneofCase.None)] // an empty envelope is an empty message
    public async Task Frames_SendAsync_sends_one_binary_message_the_reader_parses_back(Envelope.PayloadOneofCase payload)
    {
        await using var pair = await WebSocketPair.ConnectAsync(Token);
        var reader = new WebSocketMessageReader(ProtocolLimits.MaxAgentMessageBytes);
        var sent = payload == Envelope.PayloadOneofCase.None ? new Envelope() : Samples.For(payload);

        await Frames.SendAsync(pair.Client, sent, Token);
        var result = await reader.ReadAsync(pair.Server, Token);

        result.Status.ShouldBe(WebSocketReadStatus.Message);
        Frames.TryParse(result.Span, out var received).ShouldBeTrue();
        received.ShouldBe(sent);
        reader.Return(result);
    }

    private static async Task WhenAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(5, Token);
        }
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    // Random fragment sizes, including empty fragments.
    private static async Task SendFragmentedAsync(WebSocket socket, byte[] message, Random random)
    {
        var offset = 0;
        while (offset < message.Length)
        {
            var size = Math.Min(random.Next(0, 9_000), message.Length - offset);
            await socket.SendAsync(message.AsMemory(offset, size), WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
            offset += size;
        }

        await socket.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
    }
}
