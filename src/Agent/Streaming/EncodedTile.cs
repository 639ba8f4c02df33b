using GuruConnect.Protocol.V1;

namespace GuruConnect.Agent.Streaming;

/// <summary>
/// One tile of a frame. <see cref="Data"/> points into the encoder's pooled arena and stays valid
/// until the display's next capture generation.
/// </summary>
internal readonly record struct EncodedTile(
    int X, int Y, int Width, int Height, TileEncoding Encoding, ReadOnlyMemory<byte> Data, int SourceX = 0, int SourceY = 0);
