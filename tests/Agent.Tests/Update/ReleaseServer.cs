using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GuruConnect.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Tests.Update;

/// <summary>
/// A fake release server: real Kestrel on 127.0.0.1 with TLS (a throwaway self-signed certificate),
/// serving <c>/api/version</c> and the download the way src/Server/Releases does, with whatever
/// manifest and bytes a test sets — including wrong ones.
/// </summary>
internal sealed class ReleaseServer : IAsyncDisposable
{
    public const string DownloadPath = "/download/agent/linux-x64";

    private readonly WebApplication app;
    private int downloads;

    private ReleaseServer(WebApplication app, X509Certificate2 certificate, bool tls)
    {
        this.app = app;
        Certificate = certificate;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        IsTls = tls;
    }

    public Uri BaseAddress { get; }

    public bool IsTls { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>The JSON <c>/api/version</c> answers with (null: 404 AGENT_NOT_PUBLISHED).</summary>
    public string? ManifestJson { get; set; }

    /// <summary>The bytes the download serves.</summary>
    public byte[] Binary { get; set; } = [];

    public int Downloads => Volatile.Read(ref downloads);

    public Uri DownloadUrl => new(BaseAddress, DownloadPath.TrimStart('/'));

    public static async Task<ReleaseServer> StartAsync(bool tls = true)
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (tls)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        ReleaseServer? server = null;
        app.MapGet("/api/version", () => server!.ManifestJson is { } json
            ? Results.Text(json, "application/json")
            : Results.Problem(statusCode: 404, title: "Not found", extensions: new Dictionary<string, object?> { ["code"] = "AGENT_NOT_PUBLISHED" }));
        app.MapGet(DownloadPath, () =>
        {
            Interlocked.Increment(ref server!.downloads);
            return Results.Bytes(server.Binary, "application/octet-stream");
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        server = new ReleaseServer(app, certificate, tls);
        return server;
    }

    /// <summary>A manifest as the real server writes it, signed with <paramref name="key"/> over what it says (or over <paramref name="signedVersion"/> / <paramref name="signedSha"/>, to forge one).</summary>
    public void Publish(ECDsa? key, string version, byte[] binary, string platform = "linux-x64", string? signedVersion = null, string? signedSha = null, byte[]? served = null)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(binary));
        var signature = key is null ? null : ReleaseSignature.Sign(key, signedVersion ?? version, platform, signedSha ?? sha);
        Binary = served ?? binary;
        ManifestJson = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["version"] = version,
            ["channel"] = "stable",
            ["platform"] = platform,
            ["downloadUrl"] = DownloadUrl.ToString(),
            ["sha256"] = sha,
            ["signature"] = signature,
        });
    }

    /// <summary>A client that trusts this server's certificate as a root — and validates everything else as usual.</summary>
    public HttpClient CreateTrustingClient()
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { Certificate },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Certificate.Dispose();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        // Through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
