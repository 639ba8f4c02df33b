using GuruConnect.Agent.Streaming;
using GuruConnect.Protocol;

namespace GuruConnect.Agent.Tests.Streaming;

public sealed class ClipboardFilterTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("Grüße 日本語 👋", "Grüße 日本語 👋")]
    [InlineData("line\r\nnext\tcell", "line\r\nnext\tcell")]
    [InlineData("rm -rf ~\u001b[201~\u0000\u0007echo", "rm -rf ~[201~echo")]
    [InlineData("c1 \u009b31m csi", "c1 31m csi")]
    public void ControlCharacters_ButTabAndNewlines_AreStripped(string text, string expected) =>
        ClipboardFilter.Accept(text).ShouldBe(expected);

    [Fact]
    public void Empty_OrOnlyControls_IsNothingToSync()
    {
        ClipboardFilter.Accept(string.Empty).ShouldBeNull();
        ClipboardFilter.Accept("\u0000\u001b").ShouldBeNull();
    }

    [Fact]
    public void TheLimit_IsUtf8Bytes_AndOverItIsRefusedNotTruncated()
    {
        ClipboardFilter.Accept(new string('a', ProtocolLimits.MaxClipboardBytes)).ShouldNotBeNull();
        ClipboardFilter.Accept(new string('a', ProtocolLimits.MaxClipboardBytes + 1)).ShouldBeNull();
        // Three UTF-8 bytes a character: a third of the characters already fill the limit.
        ClipboardFilter.Accept(new string('日', (ProtocolLimits.MaxClipboardBytes / 3) + 1)).ShouldBeNull();
    }
}
