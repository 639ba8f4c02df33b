using System.Diagnostics;
using GuruConnect.Agent.Platform.Linux.X11;
using GuruConnect.Agent.Streaming;

namespace GuruConnect.Bench.Codec;

/// <summary>
/// Records the five desktop workloads of docs/performance.md §1 on a running 1920×1080 Xvfb with real
/// X clients (xterm, xdotool, feh, xclock) and the agent's own capture (MIT-SHM), one raw BGRX file per
/// sequence under a scratch folder. The generator is committed, the frames are not.
/// </summary>
internal sealed class XvfbRecorder(string display, string folder)
{
    public const int Frames = 41;
    private static readonly string[] Names = ["terminal typing", "scrolling text", "window drag", "photo slideshow", "idle clock"];
    private readonly List<Process> clients = [];

    /// <summary>Whether <paramref name="folder"/> holds a complete earlier recording (<c>--frames</c>).</summary>
    public static bool HasAll(string folder) =>
        Names.All(n => File.Exists(FileOf(folder, n)) && File.Exists(DamageOf(FileOf(folder, n))) && new FileInfo(FileOf(folder, n)).Length == (long)Frames * 1920 * 1080 * 4);

    public static List<(string Name, string File)> Existing(string folder) => [.. Names.Select(n => (n, FileOf(folder, n)))];

    public async Task<List<(string Name, string File)>> RecordAllAsync()
    {
        Directory.CreateDirectory(folder);
        return
        [
            await RecordAsync(Names[0], TypingAsync),
            await RecordAsync(Names[1], ScrollingAsync),
            await RecordAsync(Names[2], DragAsync),
            await RecordAsync(Names[3], SlideshowAsync),
            await RecordAsync(Names[4], ClockAsync),
        ];
    }

    private static string FileOf(string folder, string name) => Path.Combine(folder, name.Replace(' ', '-') + ".bgrx");

    /// <summary>
    /// The XDamage rectangles the agent's capture reported with each frame, one line per frame ("-" when
    /// it knew none), so the bench can replay the agent's real X11 path as well as the no-hint worst case.
    /// </summary>
    public static List<PixelRect[]?> ReadDamage(string file) =>
        [.. File.ReadAllLines(DamageOf(file)).Select(line => line == "-" ? null : line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => r.Split(',').Select(int.Parse).ToArray()).Select(v => new PixelRect(v[0], v[1], v[2], v[3])).ToArray())];

    private static string DamageOf(string file) => Path.ChangeExtension(file, ".damage");

    private static void Write(X11Screen screen, uint id, FileStream output, StreamWriter damage)
    {
        var frame = screen.Capture(id);
        for (var y = 0; y < frame.Height; y++)
            output.Write(frame.Row(y));
        if (!frame.DamageKnown)
        {
            damage.WriteLine("-");
            return;
        }

        foreach (var rect in frame.Damage)
            damage.Write($"{rect.X},{rect.Y},{rect.Width},{rect.Height} ");
        damage.WriteLine();
    }

    private async Task<(string, string)> RecordAsync(string name, Func<Func<Task>, Task> scenario)
    {
        var file = FileOf(folder, name);
        using var output = File.Create(file);
        using var damage = new StreamWriter(DamageOf(file));
        using var screen = new X11Screen(X11Connection.Open(display));
        var id = screen.GetDisplays()[0].Id;
        async Task Grab()
        {
            await Task.Delay(60); // let the client draw
            Write(screen, id, output, damage);
        }

        try
        {
            await scenario(Grab);
        }
        finally
        {
            foreach (var client in clients)
            {
                if (!client.HasExited)
                    client.Kill();
                client.WaitForExit();
                client.Dispose();
            }

            clients.Clear();
        }

        return (name, file);
    }

    private async Task TypingAsync(Func<Task> grab)
    {
        var text = Path.Combine(folder, "page.txt");
        File.WriteAllLines(text, Enumerable.Range(0, 40).Select(i => $"{i,4}  " + string.Concat(Enumerable.Repeat("lorem ipsum dolor sit amet ", 1 + (i % 6)))));
        await StartAsync("xterm", "-geometry", "200x55+0+0", "-fa", "Monospace", "-fs", "11", "-e", "sh", "-c", $"cat {text}; exec cat");
        await grab();
        const string Typed = "the quick brown fox jumps over the lazy dog and types on ";
        for (var i = 1; i < Frames; i++)
        {
            Tool("type", "--delay", "0", Typed[i % Typed.Length].ToString());
            await grab();
        }
    }

    private async Task ScrollingAsync(Func<Task> grab)
    {
        var text = Path.Combine(folder, "long.txt");
        File.WriteAllLines(text, Enumerable.Range(0, 4000).Select(i => $"{i,5}  " + string.Concat(Enumerable.Range(0, 1 + (i * 7 % 9)).Select(w => $"word{(i * 31) + w} "))));
        await StartAsync("xterm", "-geometry", "200x55+0+0", "-fa", "Monospace", "-fs", "11", "-e", "less", text);
        await grab();
        for (var i = 1; i < Frames; i++)
        {
            Tool("key", "--delay", "0", "Down", "Down"); // two lines a frame
            await grab();
        }
    }

    private async Task DragAsync(Func<Task> grab)
    {
        await StartAsync("xterm", "-geometry", "200x55+0+0", "-fa", "Monospace", "-fs", "11", "-e", "sh", "-c", "ls -l /usr/bin | head -50; exec cat");
        await StartAsync("xterm", "-name", "dragged", "-geometry", "80x24+100+100", "-bg", "#204060", "-fa", "Monospace", "-fs", "11", "-e", "sh", "-c", "ls /usr/lib; exec cat");
        await Task.Delay(500);
        var window = ToolOutput("search", "--sync", "--classname", "dragged").Trim().Split('\n')[0];
        await grab();
        for (var i = 1; i < Frames; i++)
        {
            Tool("windowmove", window, $"{100 + (i * 14)}", $"{100 + (i * 6)}");
            await grab();
        }
    }

    private async Task SlideshowAsync(Func<Task> grab)
    {
        var images = new List<string>();
        for (var s = 0; s < 5; s++)
        {
            var path = Path.Combine(folder, $"photo{s}.ppm");
            WritePhoto(path, s);
            images.Add(path);
        }

        await StartAsync("feh", ["--fullscreen", "--hide-pointer", .. images]);
        await Task.Delay(800);
        await grab();
        for (var i = 1; i < Frames; i++)
        {
            if (i % 10 == 0)
                Tool("key", "--delay", "0", "Right"); // a slide stays up for ten frames
            await grab();
        }
    }

    private async Task ClockAsync(Func<Task> grab)
    {
        await StartAsync("xterm", "-geometry", "200x55+0+0", "-fa", "Monospace", "-fs", "11", "-e", "sh", "-c", "uptime; df -h; exec cat");
        await StartAsync("xclock", "-digital", "-update", "1", "-strftime", "%H:%M:%S", "-geometry", "200x40-0-0");
        await Task.Delay(500);
        await grab();
        for (var i = 1; i < Frames; i++)
        {
            await Task.Delay(190); // five captures a second; the clock ticks once
            await grab();
        }
    }

    /// <summary>A photo-like 1920×1080 PPM: smooth colour fields, texture and sensor noise.</summary>
    private static void WritePhoto(string path, int seed)
    {
        var random = new Random(seed);
        var header = System.Text.Encoding.ASCII.GetBytes("P6\n1920 1080\n255\n");
        var data = new byte[1920 * 1080 * 3];
        double fx = 0.004 + (random.NextDouble() * 0.01), fy = 0.004 + (random.NextDouble() * 0.01), phase = random.NextDouble() * 6;
        for (var y = 0; y < 1080; y++)
        {
            for (var x = 0; x < 1920; x++)
            {
                var n = random.Next(0, 14);
                var i = ((y * 1920) + x) * 3;
                data[i] = (byte)Math.Clamp(120 + (90 * Math.Sin((x * fx) + phase)) + (20 * Math.Sin(x * y * 0.0001)) + n, 0, 255);
                data[i + 1] = (byte)Math.Clamp(120 + (90 * Math.Sin((y * fy) + phase)) + n, 0, 255);
                data[i + 2] = (byte)Math.Clamp(110 + (70 * Math.Sin(((x + y) * 0.003) + phase)) + n, 0, 255);
            }
        }

        using var file = File.Create(path);
        file.Write(header);
        file.Write(data);
    }

    private async Task StartAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DISPLAY"] = display;
        clients.Add(Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start"));
        await Task.Delay(700); // first map and paint
    }

    private void Tool(params string[] arguments) => ToolOutput(arguments);

    private string ToolOutput(params string[] arguments)
    {
        var info = new ProcessStartInfo("xdotool", arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DISPLAY"] = display;
        using var tool = Process.Start(info) ?? throw new InvalidOperationException("xdotool did not start");
        var text = tool.StandardOutput.ReadToEnd();
        tool.WaitForExit();
        return text;
    }
}
