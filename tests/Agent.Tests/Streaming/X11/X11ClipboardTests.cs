using System.Threading.Channels;
using GuruConnect.Agent.Platform.Linux.X11;
using GuruConnect.Agent.Tests.SessionWorker;
using GuruConnect.Protocol;

namespace GuruConnect.Agent.Tests.Streaming.X11;

/// <summary>The CLIPBOARD selection against a real Xvfb and a real other client (xclip), both ways.</summary>
public sealed class X11ClipboardTests
{
    private const string Unicode = "Grüße, 日本語 and 👋\nsecond line\ttab";

    [Fact]
    public async Task AnotherClientsCopy_IsRead_AndTheAgentsOwnTextIsPastedElsewhere()
    {
        using var desk = await Desk.StartOrSkipAsync();
        var (xclip, clipboard, changes) = (desk.XClip, desk.Clipboard, desk.Changes);

        xclip.Copy(Unicode);
        (await NextAsync(changes)).ShouldBe(Unicode);

        clipboard.SetText("from the viewer: ünïcødé ✓");
        (await PasteEventuallyAsync(xclip, "from the viewer: ünïcødé ✓")).ShouldBe("from the viewer: ünïcødé ✓");
        changes.Reader.TryRead(out _).ShouldBeFalse("owning the selection ourselves is not a change to report");

        xclip.Copy("again from the desktop");
        (await NextAsync(changes)).ShouldBe("again from the desktop");
    }

    [Fact]
    public async Task AValueOverTheLimit_IsRefused_AndExactlyTheLimit_ArrivesThroughIncr()
    {
        using var desk = await Desk.StartOrSkipAsync();
        var (xclip, clipboard, changes) = (desk.XClip, desk.Clipboard, desk.Changes);

        // Over 1 MiB: xclip sends it INCR; the agent drains it and drops it, then still follows the next copy.
        var ended = clipboard.ReadsEnded;
        xclip.Copy(new string('x', (2 * ProtocolLimits.MaxClipboardBytes) + 3));
        // Copy again only once the agent has drained it, so the oversized value is refused, not just left
        // for the next owner (AnOwnerReplacedMidTransfer… covers that).
        await Eventually.TrueAsync(() => clipboard.ReadsEnded > ended, "the oversized transfer to end");
        xclip.Copy("small");
        (await NextAsync(changes)).ShouldBe("small", "the oversized value is never reported");

        // Exactly 1 MiB is more than one xclip chunk on Xvfb, so it travels INCR, and is accepted.
        var limit = new string('y', ProtocolLimits.MaxClipboardBytes);
        xclip.Copy(limit);
        (await NextAsync(changes)).ShouldBe(limit);

        // The agent will not own more than it could hand out.
        clipboard.SetText(new string('z', clipboard.MaxBytes + 1));
        clipboard.SetText("fits");
        (await PasteEventuallyAsync(xclip, "fits")).ShouldBe("fits");
    }

    [Fact]
    public async Task AnOwnerReplacedMidTransfer_DoesNotMixItsChunksIntoTheNextOwnersValue()
    {
        using var desk = await Desk.StartOrSkipAsync();
        var (xclip, clipboard, changes) = (desk.XClip, desk.Clipboard, desk.Changes);

        // The first owner's value is far over the limit (64 chunks of ~1 MiB on Xvfb), so its INCR transfer
        // is still going when the second owner copies. xclip goes on serving a transfer it has started after
        // it loses the selection: it writes its next chunk whenever the property it was given is deleted.
        xclip.Copy(new string('x', 64 * ProtocolLimits.MaxClipboardBytes));
        await Eventually.TrueAsync(() => clipboard.ReadingIncrementally, "the agent to be reading the first owner's INCR transfer");
        var second = new string('y', ProtocolLimits.MaxClipboardBytes); // INCR as well: many chunks to mix into
        xclip.Copy(second);

        var read = await NextAsync(changes);
        (read.Length, read.Count(c => c != 'y')).ShouldBe((second.Length, 0), "the second owner's value, whole and nothing else");

        // The first owner is still waiting to send its next chunk into the property it was given. The
        // conversions after this one never use that property again, so it stays out of them too.
        for (var i = 0; i < 3; i++)
        {
            xclip.Copy($"copy {i}");
            (await NextAsync(changes)).ShouldBe($"copy {i}");
        }
    }

    /// <summary>What each test starts from: an Xvfb, xclip on it, and the agent's clipboard, its changes watched.</summary>
    private sealed class Desk : IDisposable
    {
        private readonly XvfbServer xvfb;

        private Desk(XvfbServer xvfb)
        {
            this.xvfb = xvfb;
            XClip = new XClip(xvfb.Display);
            Clipboard = new X11Clipboard(X11Connection.Open(xvfb.Display));
            Clipboard.Changed += text => Changes.Writer.TryWrite(text);
        }

        public XClip XClip { get; }

        public X11Clipboard Clipboard { get; }

        public Channel<string> Changes { get; } = Channel.CreateUnbounded<string>();

        public static async Task<Desk> StartOrSkipAsync()
        {
            var xvfb = await XvfbServer.StartOrSkipAsync(320, 200);
            try
            {
                return new Desk(xvfb);
            }
            catch
            {
                xvfb.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            Clipboard.Dispose();
            XClip.Dispose();
            xvfb.Dispose();
        }
    }

    private static async Task<string> NextAsync(Channel<string> changes)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        return await changes.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>SetText is taken up by the clipboard thread asynchronously: paste until it shows.</summary>
    private static async Task<string?> PasteEventuallyAsync(XClip xclip, string expected)
    {
        string? pasted = null;
        for (var i = 0; i < 50 && pasted != expected; i++)
        {
            pasted = await xclip.PasteAsync();
            if (pasted != expected)
                await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        return pasted;
    }
}
