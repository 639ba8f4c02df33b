using System.Net.WebSockets;

namespace GuruConnect.Protocol;

/// <summary>
/// The outcome of <see cref="WebSocketMessageReader.ReadAsync"/>. For
/// <see cref="WebSocketReadStatus.Message"/> it owns a buffer rented from the reader's pool: hand it
/// back exactly once with <see cref="WebSocketMessageReader.Return"/> when done with the bytes.
/// </summary>
public readonly record struct WebSocketReadResult
{
    private WebSocketReadResult(WebSocketReadStatus status, byte[]? buffer, int length, WebSocketCloseStatus? closeStatus, string? closeStatusDescription)
    {
        Status = status;
        Buffer = buffer;
        Length = length;
        CloseStatus = closeStatus;
        CloseStatusDescription = closeStatusDescription;
    }

    /// <summary>How the read ended.</summary>
    public WebSocketReadStatus Status { get; }

    /// <summary>
    /// The rented buffer holding the message in its first <see cref="Length"/> bytes (it may be
    /// longer); null unless <see cref="Status"/> is <see cref="WebSocketReadStatus.Message"/>.
    /// </summary>
    public byte[]? Buffer { get; }

    /// <summary>Size of the message in bytes (0 unless <see cref="Status"/> is <see cref="WebSocketReadStatus.Message"/>).</summary>
    public int Length { get; }

    /// <summary>The message bytes; empty unless <see cref="Status"/> is <see cref="WebSocketReadStatus.Message"/>.</summary>
    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    /// <inheritdoc cref="Memory"/>
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    /// <summary>The peer's close status when <see cref="Status"/> is <see cref="WebSocketReadStatus.Closed"/> and it sent a close frame.</summary>
    public WebSocketCloseStatus? CloseStatus { get; }

    /// <summary>The peer's close reason, if any.</summary>
    public string? CloseStatusDescription { get; }

    internal static WebSocketReadResult Message(byte[] buffer, int length) =>
        new(WebSocketReadStatus.Message, buffer, length, null, null);

    internal static WebSocketReadResult TooLarge { get; } = new(WebSocketReadStatus.TooLarge, null, 0, null, null);

    internal static WebSocketReadResult NotBinary { get; } = new(WebSocketReadStatus.NotBinary, null, 0, null, null);

    internal static WebSocketReadResult Closed(WebSocketCloseStatus? status, string? description) =>
        new(WebSocketReadStatus.Closed, null, 0, status, description);
}
