using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace GuruConnect.Server.Installers;

/// <summary>
/// The per-site .deb, written here (an <c>ar</c> archive of two gzipped tars, as dpkg-deb writes it) so the
/// server needs no Debian tools: the agent in /opt/guruconnect, /etc/guruconnect/agent.json 0600 root, the
/// systemd unit enabled and started by postinst, everything removed on purge (docs/installers.md "deb").
/// </summary>
internal sealed class DebInstaller(TimeProvider time)
{
    private const UnixFileMode Directory755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Directory700 = (UnixFileMode)0b111_000_000;
    private const UnixFileMode File644 = (UnixFileMode)0b110_100_100;
    private const UnixFileMode File600 = (UnixFileMode)0b110_000_000;
    private const UnixFileMode File755 = (UnixFileMode)0b111_101_101;

    private static readonly string[] DataDirectories =
    [
        "./", "./etc/", "./lib/", "./lib/systemd/", "./lib/systemd/system/", "./opt/", "./opt/guruconnect/",
        "./usr/", "./usr/share/", "./usr/share/doc/", "./usr/share/doc/guruconnect-agent/", "./usr/share/lintian/", "./usr/share/lintian/overrides/",
    ];

    private static readonly string[] MaintainerScripts = ["postinst", "prerm", "postrm"];

    public async Task BuildAsync(SiteInstallerInput input, string agentPath, string version, string workDirectory, string output, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var agentLength = new FileInfo(agentPath).Length;
        var config = input.ConfigJson();
        var unit = Encoding.UTF8.GetBytes(InstallerTemplates.Fill(InstallerTemplates.Read("guruconnect-agent.service"),
            new Dictionary<string, string> { ["ENVIRONMENT"] = string.Empty, ["EXTRA_PATHS"] = string.Empty }));
        var values = new Dictionary<string, string>
        {
            ["VERSION"] = DebVersion(version),
            ["SITE_CODE"] = input.SiteCode,
            ["SERVER"] = InstallerTemplates.OneLine(input.Server),
            ["FINGERPRINT_LABEL"] = input.FingerprintLabel,
            ["INSTALLED_SIZE"] = ((agentLength + config.Length + unit.Length + 8192) / 1024).ToString(CultureInfo.InvariantCulture),
        };

        var data = Path.Combine(workDirectory, "data.tar.gz");
        await WriteTarGzAsync(data, async tar =>
        {
            foreach (var directory in DataDirectories)
            {
                await AddDirectoryAsync(tar, directory, Directory755, now, cancellationToken);
            }

            await AddDirectoryAsync(tar, "./etc/guruconnect/", Directory700, now, cancellationToken);
            await AddFileAsync(tar, "./etc/guruconnect/agent.json", config, File600, now, cancellationToken);
            await AddFileAsync(tar, "./lib/systemd/system/guruconnect-agent.service", unit, File644, now, cancellationToken);
            await using (var agent = File.OpenRead(agentPath))
            {
                await AddEntryAsync(tar, "./opt/guruconnect/guruconnect-agent", agent, File755, now, cancellationToken);
            }

            await AddFileAsync(tar, "./usr/share/doc/guruconnect-agent/copyright", Template("deb/copyright", values), File644, now, cancellationToken);
            await AddFileAsync(tar, "./usr/share/doc/guruconnect-agent/changelog.gz", Gzip(Changelog(input, values["VERSION"], now)), File644, now, cancellationToken);
            await AddFileAsync(tar, "./usr/share/lintian/overrides/guruconnect-agent", Template("deb/lintian-overrides", values), File644, now, cancellationToken);
        }, cancellationToken);

        var control = Path.Combine(workDirectory, "control.tar.gz");
        await WriteTarGzAsync(control, async tar =>
        {
            await AddDirectoryAsync(tar, "./", Directory755, now, cancellationToken);
            await AddFileAsync(tar, "./control", Template("deb/control", values), File644, now, cancellationToken);
            foreach (var script in MaintainerScripts)
            {
                await AddFileAsync(tar, "./" + script, Template("deb/" + script, values), File755, now, cancellationToken);
            }
        }, cancellationToken);

        await using var deb = new FileStream(output, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await deb.WriteAsync("!<arch>\n"u8.ToArray(), cancellationToken);
        await WriteArMemberAsync(deb, "debian-binary", new MemoryStream("2.0\n"u8.ToArray()), now, cancellationToken);
        await using (var stream = File.OpenRead(control))
        {
            await WriteArMemberAsync(deb, "control.tar.gz", stream, now, cancellationToken);
        }

        await using (var stream = File.OpenRead(data))
        {
            await WriteArMemberAsync(deb, "data.tar.gz", stream, now, cancellationToken);
        }

        File.Delete(control);
        File.Delete(data);
    }

    /// <summary>A Debian version starts with a digit and has no '-' in a native package: "1.2.3-beta.1" → "1.2.3~beta.1".</summary>
    public static string DebVersion(string version)
    {
        var v = version.Split('+')[0].Replace('-', '~');
        return v.Length > 0 && char.IsAsciiDigit(v[0]) ? v : "0~" + v;
    }

    private static byte[] Template(string name, IReadOnlyDictionary<string, string> values) =>
        Encoding.UTF8.GetBytes(InstallerTemplates.Fill(InstallerTemplates.Read(name), values));

    private static byte[] Changelog(SiteInstallerInput input, string version, DateTimeOffset now) => Encoding.UTF8.GetBytes(
        $"guruconnect-agent ({version}) stable; urgency=medium\n\n" +
        $"  * Site installer for {input.SiteCode}, enrollment key {input.FingerprintLabel}.\n\n" +
        $" -- GuruConnect <support@guruconnect.dev>  {now.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture)} +0000\n");

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }

    private static async Task WriteTarGzAsync(string path, Func<TarWriter, Task> write, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        // The agent is already a compressed bundle: the fastest level loses almost nothing and saves seconds.
        await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Gnu, leaveOpen: true);
        await write(tar);
        _ = cancellationToken;
    }

    private static Task AddDirectoryAsync(TarWriter tar, string name, UnixFileMode mode, DateTimeOffset now, CancellationToken cancellationToken) =>
        tar.WriteEntryAsync(Entry(TarEntryType.Directory, name, mode, now), cancellationToken);

    private static Task AddFileAsync(TarWriter tar, string name, byte[] content, UnixFileMode mode, DateTimeOffset now, CancellationToken cancellationToken) =>
        AddEntryAsync(tar, name, new MemoryStream(content), mode, now, cancellationToken);

    private static async Task AddEntryAsync(TarWriter tar, string name, Stream content, UnixFileMode mode, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entry = Entry(TarEntryType.RegularFile, name, mode, now);
        entry.DataStream = content;
        await tar.WriteEntryAsync(entry, cancellationToken);
    }

    private static GnuTarEntry Entry(TarEntryType type, string name, UnixFileMode mode, DateTimeOffset now) => new(type, name)
    {
        Mode = mode,
        Uid = 0,
        Gid = 0,
        UserName = "root",
        GroupName = "root",
        ModificationTime = now,
    };

    private static async Task WriteArMemberAsync(Stream archive, string name, Stream content, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var header = string.Create(CultureInfo.InvariantCulture,
            $"{name,-16}{now.ToUnixTimeSeconds(),-12}{0,-6}{0,-6}{"100644",-8}{content.Length,-10}`\n");
        await archive.WriteAsync(Encoding.ASCII.GetBytes(header), cancellationToken);
        await content.CopyToAsync(archive, cancellationToken);
        if (content.Length % 2 == 1)
        {
            await archive.WriteAsync("\n"u8.ToArray(), cancellationToken);
        }
    }
}
