using System.Text;
using GuruConnect.Protocol;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// What clipboard text may cross the session, either way (docs/agent.md "Capture, encoding, input"):
/// at most 1 MiB of UTF-8 (the protocol's limit; larger is refused, not truncated), and no control
/// characters but tab, line feed and carriage return — a NUL ends the text for many native
/// applications, and ESC / C1 sequences pasted into a terminal run commands the user never saw.
/// </summary>
internal static class ClipboardFilter
{
    private static readonly System.Buffers.SearchValues<char> Controls = System.Buffers.SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F"
        + "\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F"
        + "\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F");

    /// <summary>The text to sync, or null when it must not be (empty, or over the limit).</summary>
    public static string? Accept(string text)
    {
        if (text.Length == 0 || text.Length > ProtocolLimits.MaxClipboardBytes || Encoding.UTF8.GetByteCount(text) > ProtocolLimits.MaxClipboardBytes)
            return null;
        if (!text.AsSpan().ContainsAny(Controls))
            return text;
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!Controls.Contains(c))
                clean.Append(c);
        }

        return clean.Length == 0 ? null : clean.ToString();
    }
}
