using System.Diagnostics;
using GuruConnect.Agent.Tests.Streaming.X11;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GuruConnect.Console.Tests;

/// <summary>
/// The browser viewer with the real agent streaming a real Xvfb through the real server (docs/console.md
/// "Tests"): the canvas, read back from the canvas itself, equals the X framebuffer on the lossless path;
/// a click on the canvas fitted smaller than the screen lands on the X screen where it was aimed; text
/// typed in the browser arrives, key by key, in a window on the remote X screen.
/// </summary>
public sealed class RealAgentViewerTests(Chromium chromium) : IClassFixture<Chromium>
{
    private const int Width = 1920;
    private const int Height = 1080;

    [Fact]
    public async Task The_canvas_is_the_X_screen_and_clicks_and_typing_reach_it_through_the_scaled_canvas()
    {
        using var xvfb = await XvfbServer.StartOrSkipAsync(Width, Height);
        using var x = new XTestClient(xvfb.Display);
        x.Paint(0, 0, Width, Height, Desktop(Width, Height));
        await using var server = await ConsoleServer.StartAsync();
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("XVFB");
        using var machine = new FakeMachine();
        machine.WriteConfig(server.BaseAddress, site);
        await using var agent = XvfbAgent.Start(machine, xvfb.Display);
        var machineId = await XvfbAgent.OnlineMachineIdAsync(admin, agent);
        var sessions = await admin.GetFromJsonAsync<JsonElement[]>("/api/sessions", TestContext.Current.CancellationToken);
        var sessionId = sessions!.Single(s => s.GetProperty("machineId").GetGuid() == machineId).GetProperty("id").GetGuid();

        var page = await chromium.NewPageAsync(server.BaseAddress);
        await page.LogInAsync();
        await Expect(page.GetByTestId("current-user")).ToContainTextAsync("admin");
        await page.GotoAsync($"/connect/{sessionId}");
        await Expect(page.GetByTestId("control-state")).ToHaveTextAsync("You have control", new() { Timeout = 30_000 });
        await page.GetByLabel("Quality").SelectOptionAsync("lossless");
        await Expect(page.GetByTestId("viewer-state")).ToHaveCountAsync(0, new() { Timeout = 30_000 });

        // The keyframe, then a change (a small "window" of noise): each time the canvas becomes the screen.
        await CanvasBecomesScreenAsync(page, x, agent);
        x.Paint(700, 400, 333, 211, Noise(333, 211, 7));
        await CanvasBecomesScreenAsync(page, x, agent);
        await page.ScreenshotAsync("viewer-real-agent");

        // A window that records what the X server delivers to it, over the whole screen, with the focus.
        x.OpenRecorder(Width, Height);
        var box = (await page.GetByTestId("remote-screen").BoundingBoxAsync())!;
        box.Width.ShouldBeLessThan(Width * 0.8f, "fit to window shows the 1080p screen scaled down in a 1280×720 page");
        var (cx, cy) = (box.X + (box.Width * 0.3f) + 0.5f, box.Y + (box.Height * 0.6f) + 0.5f);
        await page.Mouse.ClickAsync(cx, cy);
        var (ex, ey) = ((int)Math.Floor((cx - box.X) / box.Width * Width), (int)Math.Floor((cy - box.Y) / box.Height * Height));
        var clicks = await EventsUntilAsync(x, e => e.Any(k => k.Type == XTestClient.ButtonRelease));
        var press = clicks.First(e => e.Type == XTestClient.ButtonPress);
        press.Detail.ShouldBe(1u);
        Math.Abs(press.X - ex).ShouldBeLessThanOrEqualTo(1, $"the click was aimed at remote ({ex}, {ey}), landed at ({press.X}, {press.Y})");
        Math.Abs(press.Y - ey).ShouldBeLessThanOrEqualTo(1, $"the click was aimed at remote ({ex}, {ey}), landed at ({press.X}, {press.Y})");

        // The click focused the canvas: typing goes to the remote window.
        await page.Keyboard.TypeAsync("hello world");
        await page.Keyboard.PressAsync("Shift+KeyG");
        var letters = "abcdefghijklmnopqrstuvwxyz ".ToDictionary(c => (uint)x.KeycodeOf(c), c => c);
        string Text(List<(int Type, uint Detail, uint State, int X, int Y)> events) => string.Concat(events
            .Where(e => e.Type == XTestClient.KeyPress && letters.ContainsKey(e.Detail))
            .Select(e => (e.State & 1) != 0 ? char.ToUpperInvariant(letters[e.Detail]) : letters[e.Detail]));
        var typed = await EventsUntilAsync(x, e => Text(e).Length >= 12);
        Text(typed).ShouldBe("hello worldG");
        await page.ScreenshotAsync("viewer-real-agent-input");
    }

    /// <summary>Reads the canvas until it equals the X framebuffer (the agent sends what changed soon after).</summary>
    private static async Task CanvasBecomesScreenAsync(IPage page, XTestClient x, AgentProcess agent)
    {
        var started = Stopwatch.GetTimestamp();
        string? difference = "no snapshot";
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
        {
            var screen = x.Read(0, 0, Width, Height);
            var snapshot = await page.EvaluateAsync<JsonElement>(
                """
                async () => {
                  const s = await window.guruconnectViewer.snapshot();
                  const parts = [];
                  for (let i = 0; i < s.rgba.length; i += 0x8000) parts.push(String.fromCharCode.apply(null, s.rgba.subarray(i, i + 0x8000)));
                  return { width: s.width, height: s.height, rgba: btoa(parts.join("")) };
                }
                """);
            difference = snapshot.GetProperty("width").GetInt32() != Width || snapshot.GetProperty("height").GetInt32() != Height
                ? $"canvas {snapshot.GetProperty("width").GetInt32()}×{snapshot.GetProperty("height").GetInt32()}"
                : Difference(Convert.FromBase64String(snapshot.GetProperty("rgba").GetString()!), screen);
            if (difference is null)
                return;
            await Task.Delay(100);
        }

        throw new ShouldAssertException($"The canvas never became the X screen: {difference}. Agent output:\n{agent.Output}");
    }

    /// <summary>Canvas RGBA against X's BGRX, every pixel; null when equal.</summary>
    private static string? Difference(byte[] rgba, byte[] bgrx)
    {
        if (rgba.Length != bgrx.Length)
            return $"length {rgba.Length}, expected {bgrx.Length}";
        var differing = 0;
        string? first = null;
        for (var i = 0; i < rgba.Length; i += 4)
        {
            if (rgba[i] != bgrx[i + 2] || rgba[i + 1] != bgrx[i + 1] || rgba[i + 2] != bgrx[i] || rgba[i + 3] != 255)
            {
                first ??= $"pixel ({i / 4 % Width}, {i / 4 / Width}) is {rgba[i]},{rgba[i + 1]},{rgba[i + 2]},{rgba[i + 3]}, the screen {bgrx[i + 2]},{bgrx[i + 1]},{bgrx[i]}";
                differing++;
            }
        }

        return first is null ? null : $"{differing} pixels differ; first {first}";
    }

    private static async Task<List<(int Type, uint Detail, uint State, int X, int Y)>> EventsUntilAsync(
        XTestClient x, Func<List<(int Type, uint Detail, uint State, int X, int Y)>, bool> until)
    {
        var all = new List<(int Type, uint Detail, uint State, int X, int Y)>();
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(15))
        {
            all.AddRange(x.Events());
            if (until(all))
                return all;
            await Task.Delay(50);
        }

        throw new ShouldAssertException($"the X window never got what was sent; got {all.Count} events: {string.Join(", ", all.Select(e => $"{e.Type}/{e.Detail}@{e.X},{e.Y}"))}");
    }

    /// <summary>A desktop-like BGRX picture: gradients (compressible, like UI), stripes (like text) and a photo-like noise block.</summary>
    private static byte[] Desktop(int width, int height)
    {
        var pixels = new byte[width * height * 4];
        var random = new Random(11);
        for (var y = 0; y < height; y++)
        {
            for (var px = 0; px < width; px++)
            {
                var o = ((y * width) + px) * 4;
                var text = y % 18 < 12 && (px / 7 + y / 18) % 5 != 0 && (px * 31 + y * 17) % 11 < 5;
                var photo = px is > 1200 and < 1700 && y is > 150 and < 550;
                (pixels[o], pixels[o + 1], pixels[o + 2]) = photo
                    ? ((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256))
                    : text ? ((byte)20, (byte)20, (byte)30) : ((byte)(px / 8), (byte)(y / 5), (byte)(200 - (px / 16)));
            }
        }

        return pixels;
    }

    private static byte[] Noise(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 4];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }
}
