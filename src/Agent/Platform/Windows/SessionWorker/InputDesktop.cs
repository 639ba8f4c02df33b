using System.Runtime.Versioning;
using GuruConnect.Agent.Streaming;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// Keeps the worker's capture-and-input thread on the desktop that receives input: <c>Default</c>
/// normally, <c>Winlogon</c> during a UAC prompt, the lock screen or the logon screen. GDI then captures
/// and SendInput reaches whichever is showing; a SYSTEM worker may open both (docs/agent.md "Session worker").
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed unsafe class InputDesktop : IDisposable
{
    private const int NameChars = 64;

    private readonly char[] name = new char[NameChars];
    private nint current;
    private int nameLength = -1;

    /// <summary>Moves the calling thread to the input desktop; true when that is another desktop than before.</summary>
    public bool Follow()
    {
        var desktop = WorkerNative.OpenInputDesktop(0, false, WorkerNative.GenericAll);
        if (desktop == 0)
            return false;
        var buffer = stackalloc char[NameChars];
        if (!WorkerNative.GetUserObjectInformation(desktop, WorkerNative.UoiName, buffer, NameChars * sizeof(char), out var needed))
        {
            _ = WorkerNative.CloseDesktop(desktop);
            return false;
        }

        var length = Math.Max(0, ((int)needed / sizeof(char)) - 1);
        var seen = new ReadOnlySpan<char>(buffer, Math.Min(length, NameChars));
        if (seen.SequenceEqual(name.AsSpan(0, Math.Max(nameLength, 0))) && nameLength >= 0)
        {
            _ = WorkerNative.CloseDesktop(desktop);
            return false;
        }

        // Fails while the thread owns windows or hooks; the worker's capture thread owns neither.
        if (!WorkerNative.SetThreadDesktop(desktop))
        {
            _ = WorkerNative.CloseDesktop(desktop);
            return false;
        }

        if (current != 0)
            _ = WorkerNative.CloseDesktop(current);
        current = desktop;
        seen.CopyTo(name);
        nameLength = seen.Length;
        return true;
    }

    public void Dispose()
    {
        if (current != 0)
            _ = WorkerNative.CloseDesktop(current);
        current = 0;
    }
}

/// <summary>A screen reopened whenever the input desktop changes (Desktop Duplication loses access on a switch).</summary>
[SupportedOSPlatform("windows")]
internal sealed class FollowingScreen(InputDesktop desktop, Func<IScreenSource> open) : IScreenSource
{
    private IScreenSource? inner;

    public IReadOnlyList<Protocol.V1.DisplayInfo> GetDisplays() => Current().GetDisplays();

    public CapturedFrame Capture(uint displayId) => Current().Capture(displayId);

    public void Dispose() => inner?.Dispose();

    private IScreenSource Current()
    {
        if (desktop.Follow() || inner is null)
        {
            inner?.Dispose();
            inner = open();
        }

        return inner;
    }
}

/// <summary>Input sent on the input desktop, whichever it is now.</summary>
[SupportedOSPlatform("windows")]
internal sealed class FollowingInput(InputDesktop desktop, IInputInjector inner) : IInputInjector
{
    public void MoveTo(int x, int y)
    {
        desktop.Follow();
        inner.MoveTo(x, y);
    }

    public void Button(MouseButton button, bool down)
    {
        desktop.Follow();
        inner.Button(button, down);
    }

    public void Wheel(int deltaX, int deltaY)
    {
        desktop.Follow();
        inner.Wheel(deltaX, deltaY);
    }

    public bool Key(string code, string key, bool down)
    {
        desktop.Follow();
        return inner.Key(code, key, down);
    }

    public void Dispose() => inner.Dispose();
}
