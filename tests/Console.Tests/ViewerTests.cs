using System.IO.Compression;
using Google.Protobuf;
using GuruConnect.Protocol.V1;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GuruConnect.Console.Tests;

/// <summary>
/// The browser viewer against the real relay, with a protocol-level agent on the agent plane (the
/// real agent's screen streaming is another piece of work): the pixels read back from the canvas
/// equal what the agent sent for every lossless tile encoding, frames are acknowledged, and a click
/// on the scaled canvas and typed keys reach the agent with the right coordinates and W3C codes.
/// </summary>
public sealed class ViewerTests(Chromium chromium) : IClassFixture<Chromium>
{
    private const int Width = 64;
    private const int Height = 48;

    [Fact]
    public async Task The_canvas_equals_the_frames_sent_and_input_lands_at_the_right_place()
    {
        await using var server = await ConsoleServer.StartAsync();
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("PIXELS");
        var (machineId, key) = await server.EnrollAsync(site, "uid-pixels", "PC-PIXELS");
        await using var agent = await FakeAgent.ConnectAsync(server, key, "uid-pixels", "PC-PIXELS");
        var sessions = await admin.GetFromJsonAsync<JsonElement[]>("/api/sessions", TestContext.Current.CancellationToken);
        var sessionId = sessions!.Single(s => s.GetProperty("machineId").GetGuid() == machineId).GetProperty("id").GetGuid();

        var page = await chromium.NewPageAsync(server.BaseAddress);
        await page.LogInAsync();
        await Expect(page.GetByTestId("current-user")).ToContainTextAsync("admin");
        await page.GotoAsync($"/connect/{sessionId}");
        await agent.ReceiveAsync(Envelope.PayloadOneofCase.ViewerJoined, TimeSpan.FromSeconds(30));
        await Expect(page.GetByTestId("control-state")).ToHaveTextAsync("You have control");

        await agent.SendAsync(new Envelope
        {
            DisplayList = new DisplayList { Displays = { new DisplayInfo { Id = 1, Name = "Screen 1", Width = Width, Height = Height, Primary = true, Scale = 1 } } },
        });
        var expected = new byte[Width * Height * 4]; // RGBA, what the canvas must show
        var keyframe = new VideoFrame { DisplayId = 1, Seq = 1, Width = Width, Height = Height, Keyframe = true };
        keyframe.Tiles.Add(RawBgra(expected, 0, 0, Width, Height, (x, y) => ((byte)(x * 4), (byte)(y * 5), (byte)(x ^ y))));
        await agent.SendAsync(new Envelope { VideoFrame = keyframe });

        var delta = new VideoFrame { DisplayId = 1, Seq = 2, Width = Width, Height = Height };
        delta.Tiles.Add(CopyRect(expected, 4, 4, 8, 6, 40, 30)); // overlapping scroll-style move, applied first
        delta.Tiles.Add(Solid(expected, 50, 2, 10, 10, r: 250, g: 10, b: 20));
        delta.Tiles.Add(Encoded(expected, TileEncoding.DeflateBgra, 0, 40, 32, 8, (x, y) => ((byte)(200 - x), (byte)(y * 30), 77)));
        delta.Tiles.Add(Encoded(expected, TileEncoding.ZstdBgra, 32, 40, 32, 8, (x, y) => (11, (byte)(x * 7), (byte)(y * 9))));
        delta.Tiles.Add(Encoded(expected, TileEncoding.ZstdRgba, 20, 10, 16, 12, (x, y) => ((byte)(x * 15), 99, (byte)(y * 20))));
        await agent.SendAsync(new Envelope { VideoFrame = delta });

        var ack = await agent.Peer.ReceiveAsync(e => e.PayloadCase == Envelope.PayloadOneofCase.FrameAck && e.FrameAck.Seq == 2, TimeSpan.FromSeconds(20));
        ack.FrameAck.Seq.ShouldBe(2UL);
        await Expect(page.GetByTestId("viewer-state")).ToHaveCountAsync(0); // streaming: no overlay

        var snapshot = await page.EvaluateAsync<JsonElement>(
            "async () => { const s = await window.guruconnectViewer.snapshot(); let b = ''; for (const v of s.rgba) b += String.fromCharCode(v); return { width: s.width, height: s.height, rgba: btoa(b) }; }");
        snapshot.GetProperty("width").GetInt32().ShouldBe(Width);
        snapshot.GetProperty("height").GetInt32().ShouldBe(Height);
        var actual = Convert.FromBase64String(snapshot.GetProperty("rgba").GetString()!);
        FirstDifference(expected, actual).ShouldBeNull();
        await page.GetByRole(AriaRole.Button, new() { Name = "Stats" }).ClickAsync();
        await Expect(page.GetByTestId("stats")).ToContainTextAsync("frames");
        await page.ScreenshotAsync("viewer-pixels");

        // The canvas is fitted (scaled up) to the window: a click a quarter across, halfway down, is remote (16, 24).
        var box = (await page.GetByTestId("remote-screen").BoundingBoxAsync())!;
        box.Width.ShouldBeGreaterThan(Width * 2);
        await page.Mouse.ClickAsync(box.X + (box.Width * 0.25f) + 1, box.Y + (box.Height * 0.5f) + 1);
        var press = await agent.Peer.ReceiveAsync(e => e.PayloadCase == Envelope.PayloadOneofCase.MouseInput && e.MouseInput.Buttons == 1, TimeSpan.FromSeconds(10));
        press.MouseInput.X.ShouldBe(16);
        press.MouseInput.Y.ShouldBe(24);
        await agent.Peer.ReceiveAsync(e => e.PayloadCase == Envelope.PayloadOneofCase.MouseInput && e.MouseInput.Buttons == 0, TimeSpan.FromSeconds(10));

        await page.Keyboard.TypeAsync("hi");
        await page.Keyboard.PressAsync("Shift+KeyA");
        var keys = new List<string>();
        while (keys.Count < 6)
        {
            var k = await agent.Peer.ReceiveAsync(e => e.PayloadCase == Envelope.PayloadOneofCase.KeyInput, TimeSpan.FromSeconds(10));
            keys.Add($"{(k.KeyInput.Down ? "+" : "-")}{k.KeyInput.Code}");
        }

        keys.ShouldBe(["+KeyH", "-KeyH", "+KeyI", "-KeyI", "+ShiftLeft", "+KeyA"]);
    }

    private static string? FirstDifference(byte[] expected, byte[] actual)
    {
        if (expected.Length != actual.Length)
        {
            return $"length {actual.Length}, expected {expected.Length}";
        }

        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                var pixel = i / 4;
                return $"pixel ({pixel % Width}, {pixel / Width}) channel {i % 4}: {actual[i]}, expected {expected[i]}";
            }
        }

        return null;
    }

    private static void Put(byte[] rgba, int x, int y, byte r, byte g, byte b)
    {
        var o = ((y * Width) + x) * 4;
        rgba[o] = r;
        rgba[o + 1] = g;
        rgba[o + 2] = b;
        rgba[o + 3] = 255;
    }

    private static byte[] Pixels(int w, int h, Func<int, int, (byte R, byte G, byte B)> colour, bool bgra, byte[] model, int x0, int y0)
    {
        var data = new byte[w * h * 4];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var (r, g, b) = colour(x, y);
                var o = ((y * w) + x) * 4;
                (data[o], data[o + 1], data[o + 2], data[o + 3]) = bgra ? (b, g, r, (byte)255) : (r, g, b, (byte)255);
                Put(model, x0 + x, y0 + y, r, g, b);
            }
        }

        return data;
    }

    private static Tile RawBgra(byte[] model, int x, int y, int w, int h, Func<int, int, (byte, byte, byte)> colour) =>
        new() { X = (uint)x, Y = (uint)y, W = (uint)w, H = (uint)h, Encoding = TileEncoding.RawBgra, Data = ByteString.CopyFrom(Pixels(w, h, colour, bgra: true, model, x, y)) };

    private static Tile Solid(byte[] model, int x, int y, int w, int h, byte r, byte g, byte b)
    {
        Pixels(w, h, (_, _) => (r, g, b), bgra: true, model, x, y);
        return new Tile { X = (uint)x, Y = (uint)y, W = (uint)w, H = (uint)h, Encoding = TileEncoding.Solid, Data = ByteString.CopyFrom(b, g, r, 255) };
    }

    private static Tile Encoded(byte[] model, TileEncoding encoding, int x, int y, int w, int h, Func<int, int, (byte, byte, byte)> colour)
    {
        var raw = Pixels(w, h, colour, bgra: encoding != TileEncoding.ZstdRgba, model, x, y);
        byte[] data;
        if (encoding == TileEncoding.DeflateBgra)
        {
            using var buffer = new MemoryStream();
            using (var zlib = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                zlib.Write(raw);
            }

            data = buffer.ToArray();
        }
        else
        {
            using var compressor = new ZstdSharp.Compressor(3);
            data = compressor.Wrap(raw).ToArray();
        }

        return new Tile { X = (uint)x, Y = (uint)y, W = (uint)w, H = (uint)h, Encoding = encoding, Data = ByteString.CopyFrom(data) };
    }

    /// <summary>COPY_RECT as memmove: the model copies through a temporary buffer, the viewer must match.</summary>
    private static Tile CopyRect(byte[] model, int sx, int sy, int x, int y, int w, int h)
    {
        var copy = (byte[])model.Clone();
        for (var row = 0; row < h; row++)
        {
            Array.Copy(copy, (((sy + row) * Width) + sx) * 4, model, (((y + row) * Width) + x) * 4, w * 4);
        }

        return new Tile { X = (uint)x, Y = (uint)y, W = (uint)w, H = (uint)h, Encoding = TileEncoding.CopyRect, SrcX = (uint)sx, SrcY = (uint)sy };
    }
}
