using System.Security.Cryptography;
using System.Text;

namespace GuruConnect.Server.Data;

/// <summary>One versioned SQL script. The checksum covers the text with line endings normalised.</summary>
internal sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum => Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(Sql.Replace("\r\n", "\n", StringComparison.Ordinal))));

    public string Label => $"{Version:D4}_{Name}";
}
