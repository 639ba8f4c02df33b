using System.Runtime.Versioning;
using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Platform.Windows.Capture;

/// <summary>
/// The screen of the calling thread's desktop: one display per output of the first adapter, each captured
/// by DXGI Desktop Duplication with its dirty and move rects, and by GDI BitBlt of that output's rectangle
/// whenever duplication is unavailable (the secure desktop, a lost duplication until it reopens, wine).
/// Without D3D11 at all it is GDI's one virtual-desktop display. Reopened by the session worker on every
/// desktop switch (Platform/Windows/SessionWorker/InputDesktop.cs).
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe class WindowsScreen : IScreenSource
{
    /// <summary>Captures between attempts to reopen a failed duplication (about 1 s at 30 fps).</summary>
    private const int RetryEvery = 30;

    private readonly GdiScreen gdi = new();
    private readonly List<Output> outputs = [];
    private readonly List<DisplayInfo> displays = [];
    private nint device;
    private nint context;

    public WindowsScreen()
    {
        const int hardware = 1;
        const uint bgraSupport = 0x20;
        const uint sdkVersion = 7;
        if (Dxgi.D3D11CreateDevice(0, hardware, 0, bgraSupport, null, 0, sdkVersion, out device, out _, out context) < 0)
            return;
        if (Dxgi.QueryInterface(device, Dxgi.IdxgiDevice, out var dxgiDevice) < 0)
            return;
        var adapter = (nint)0;
        try
        {
            if (Dxgi.GetAdapter(dxgiDevice, out adapter) < 0)
                return;
            for (uint i = 0; Dxgi.EnumOutputs(adapter, i, out var output) >= 0; i++)
            {
                Dxgi.OutputDesc desc;
                var ok = Dxgi.GetDesc(output, &desc) >= 0 && desc.AttachedToDesktop != 0 && desc.Rotation is 0 or 1;
                if (ok && Dxgi.QueryInterface(output, Dxgi.IdxgiOutput1, out var output1) >= 0)
                {
                    var r = desc.DesktopCoordinates;
                    var bounds = new PixelRect(r.Left, r.Top, r.Right - r.Left, r.Bottom - r.Top);
                    outputs.Add(new Output(output1, bounds));
                    displays.Add(new DisplayInfo
                    {
                        Id = (uint)outputs.Count,
                        Name = new string(desc.DeviceName).TrimEnd('\0'),
                        X = bounds.X,
                        Y = bounds.Y,
                        Width = (uint)bounds.Width,
                        Height = (uint)bounds.Height,
                        Primary = bounds.X == 0 && bounds.Y == 0,
                        Scale = 1,
                    });
                }

                Dxgi.Release(ref output);
            }
        }
        finally
        {
            Dxgi.Release(ref adapter);
            Dxgi.Release(ref dxgiDevice);
        }
    }

    public IReadOnlyList<DisplayInfo> GetDisplays() => displays.Count > 0 ? displays : gdi.GetDisplays();

    public CapturedFrame Capture(uint displayId)
    {
        if (outputs.Count == 0)
            return gdi.Capture(displayId);
        if (displayId == 0 || displayId > outputs.Count)
            return default;
        var output = outputs[(int)displayId - 1];
        if (output.Duplication is not { Healthy: true } && output.RetryIn-- <= 0)
        {
            output.Duplication?.Dispose();
            output.Duplication = DesktopDuplication.TryOpen(device, context, output.Output1, output.Bounds.Width, output.Bounds.Height);
            output.RetryIn = RetryEvery;
        }

        if (output.Duplication is { Healthy: true } duplication && duplication.TryCapture(out var frame))
            return frame;
        return gdi.CaptureArea(output.Bounds);
    }

    public void Dispose()
    {
        foreach (var output in outputs)
        {
            output.Duplication?.Dispose();
            var pointer = output.Output1;
            Dxgi.Release(ref pointer);
        }

        outputs.Clear();
        Dxgi.Release(ref context);
        Dxgi.Release(ref device);
        gdi.Dispose();
    }

    private sealed class Output(nint output1, PixelRect bounds)
    {
        public nint Output1 { get; } = output1;

        public PixelRect Bounds { get; } = bounds;

        public DesktopDuplication? Duplication { get; set; }

        public int RetryIn { get; set; }
    }
}
