using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text.Json;

namespace GuruConnect.Agent.Update;

/// <summary>
/// The updater's HTTP: <c>GET /api/version</c> and the download, over https only and with the
/// platform's normal certificate validation — this type has no way to switch it off, and the agent
/// assembly sets no certificate callback anywhere (tests/Agent.Tests/Update/UpdateTlsTests.cs proves both).
/// </summary>
internal sealed class UpdateClient(HttpClient http)
{
    private const int MaxManifestBytes = 64 * 1024;

    /// <summary>The client's timeout ends at the response headers; the body has this long.</summary>
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(15);

    /// <returns>The manifest, or null when the server publishes no build for this platform and channel (404).</returns>
    /// <exception cref="UpdateRefusedException">Not https, TLS failed, unreachable, or an answer that is not a manifest.</exception>
    public async Task<UpdateManifest?> GetManifestAsync(Uri server, string platform, string channel, CancellationToken cancellationToken)
    {
        RequireHttps(server, "the server");
        var root = server.AbsolutePath.EndsWith('/') ? server : new Uri(server.GetLeftPart(UriPartial.Path) + "/");
        var url = new Uri(root, $"api/version?platform={Uri.EscapeDataString(platform)}&channel={Uri.EscapeDataString(channel)}");
        using var response = await SendAsync(url, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new UpdateRefusedException($"{url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode}");
        }

        if (response.Content.Headers.ContentLength > MaxManifestBytes)
        {
            throw new UpdateRefusedException("the version manifest is too large");
        }

        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return body.Length > MaxManifestBytes
                ? throw new UpdateRefusedException("the version manifest is too large")
                : JsonSerializer.Deserialize(body, UpdateJsonContext.Default.UpdateManifest)
                    ?? throw new UpdateRefusedException("the version manifest is empty");
        }
        catch (JsonException)
        {
            throw new UpdateRefusedException("the version manifest is not valid JSON");
        }
    }

    /// <summary>Streams <paramref name="url"/> into <paramref name="target"/> and returns the SHA-256 of exactly what was written.</summary>
    public async Task<string> DownloadAsync(Uri url, Stream target, long maxBytes, CancellationToken cancellationToken)
    {
        RequireHttps(url, "the download URL");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(DownloadTimeout);
        try
        {
            return await DownloadCoreAsync(url, target, maxBytes, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UpdateRefusedException($"the download did not finish within {DownloadTimeout.TotalMinutes:0} minutes");
        }
    }

    private async Task<string> DownloadCoreAsync(Uri url, Stream target, long maxBytes, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(url, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new UpdateRefusedException($"the download {url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode}");
        }

        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw new UpdateRefusedException($"the download is larger than {maxBytes / (1024 * 1024)} MiB");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new UpdateRefusedException($"the download is larger than {maxBytes / (1024 * 1024)} MiB");
                }

                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new UpdateRefusedException($"the download broke off ({ex.Message})");
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
        {
            throw new UpdateRefusedException($"TLS to {url.Host} failed: {ex.InnerException.Message} (the server's certificate must be valid and trusted by this machine)");
        }
        catch (HttpRequestException ex)
        {
            throw new UpdateRefusedException($"{url.GetLeftPart(UriPartial.Authority)} is unreachable ({ex.Message})");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UpdateRefusedException($"{url.GetLeftPart(UriPartial.Authority)} did not answer in time");
        }
    }

    private static void RequireHttps(Uri url, string what)
    {
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            throw new UpdateRefusedException($"{what} {url.GetLeftPart(UriPartial.Authority)} is not https (updates only travel over verified TLS)");
        }
    }
}

/// <summary>A reason not to update, said in one log line; the installed binary is untouched.</summary>
internal sealed class UpdateRefusedException(string reason) : Exception(reason);
