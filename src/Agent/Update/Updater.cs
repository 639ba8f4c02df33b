using System.Security.Cryptography;
using GuruConnect.Protocol;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Update;

/// <summary>What one check ended with.</summary>
internal enum UpdateOutcome
{
    /// <summary>Updates cannot run in this build or install (no release key, run under dotnet, turned off).</summary>
    Disabled,
    NothingPublished,
    UpToDate,
    /// <summary>A newer signed build exists (a check that does not apply).</summary>
    Available,
    /// <summary>A newer build that was rolled back here before; only an explicit request tries it again.</summary>
    Skipped,
    /// <summary>The new binary is in place and on trial: restart into it.</summary>
    Applied,
    /// <summary>Refused (signature, hash, downgrade, TLS, a binary that does not start …); nothing changed.</summary>
    Refused,
}

internal sealed record UpdateResult(UpdateOutcome Outcome, string Message, string? Offered = null);

/// <summary>
/// One update check (docs/agent.md "Updates"): ask <c>/api/version</c> over verified TLS, verify the
/// release signature with the compiled-in key, refuse anything not newer, download beside the binary
/// while hashing, refuse a SHA-256 that is not the signed one, start the new binary once
/// (<see cref="IBinaryProbe"/>), write <c>update.json</c>, then swap keeping the previous binary. Every
/// refusal is one log line and leaves the installed binary as it was.
/// </summary>
internal sealed class Updater(
    UpdateClient client,
    ReleaseKey key,
    InstalledBinary binary,
    UpdateStateFile stateFile,
    IBinaryProbe probe,
    UpdateSettings settings,
    TimeProvider time,
    ILogger<Updater> log)
{
    /// <summary>The running version (Directory.Build.props); a test sets its own.</summary>
    public string CurrentVersion { get; init; } = Hosting.AgentHost.Version;

    /// <summary>Why this agent never updates itself, or null when it can.</summary>
    public string? DisabledReason =>
        !settings.Enabled ? $"turned off ({UpdateSettings.EnabledVariable})"
        : key.Problem ?? binary.Problem;

    /// <param name="server">The server from the site config.</param>
    /// <param name="apply">False: only say what is offered (<c>update --check</c>).</param>
    /// <param name="requested">A person asked (<c>update</c>): a build rolled back before is tried again.</param>
    /// <param name="cancellationToken">Stops the check; a half download is deleted.</param>
    public async Task<UpdateResult> CheckAsync(Uri server, bool apply, bool requested, CancellationToken cancellationToken)
    {
        if (DisabledReason is { } off)
        {
            return new UpdateResult(UpdateOutcome.Disabled, $"Automatic updates are off: {off}.");
        }

        try
        {
            return await CheckCoreAsync(server, apply, requested, cancellationToken);
        }
        catch (UpdateRefusedException ex)
        {
            return Refuse(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Staging, the probe or update.json: nothing was swapped (BinaryFiles.Swap undoes its own half).
            return Refuse($"a file operation failed ({ex.Message})");
        }
    }

    private async Task<UpdateResult> CheckCoreAsync(Uri server, bool apply, bool requested, CancellationToken cancellationToken)
    {
        UpdateLog.Checking(log, server.GetLeftPart(UriPartial.Authority), binary.Platform, settings.Channel);
        var manifest = await client.GetManifestAsync(server, binary.Platform, settings.Channel, cancellationToken);
        if (manifest is null)
        {
            return new UpdateResult(UpdateOutcome.NothingPublished, $"The server publishes no {binary.Platform} agent on the {settings.Channel} channel.");
        }

        var offered = AgentVersion.Parse(manifest.Version) ?? throw new UpdateRefusedException($"the manifest's version \"{Printable(manifest.Version)}\" is not a version");
        if (!string.Equals(manifest.Platform, binary.Platform, StringComparison.Ordinal))
        {
            throw new UpdateRefusedException($"the manifest is for platform \"{Printable(manifest.Platform)}\", not {binary.Platform}");
        }

        if (manifest.Sha256 is not { Length: 64 } sha || !sha.All(char.IsAsciiHexDigit))
        {
            throw new UpdateRefusedException("the manifest has no valid SHA-256");
        }

        if (!ReleaseSignature.Verify(key.Spki, manifest.Version!, binary.Platform, sha, manifest.Signature))
        {
            throw new UpdateRefusedException(manifest.Signature is null
                ? $"agent {offered} is not signed with a release key"
                : $"the release signature of agent {offered} does not verify with this agent's release key");
        }

        var current = AgentVersion.Parse(CurrentVersion) ?? new AgentVersion(0, 0, 0, []);
        var order = offered.CompareTo(current);
        if (order < 0)
        {
            throw new UpdateRefusedException($"agent {offered} is older than the installed {current} (no downgrades)");
        }

        if (order == 0)
        {
            UpdateLog.UpToDate(log, CurrentVersion, settings.Channel);
            return new UpdateResult(UpdateOutcome.UpToDate, $"Agent {CurrentVersion} is up to date ({settings.Channel}).", offered.ToString());
        }

        if (!requested && stateFile.Read() is { Phase: UpdatePhases.RolledBack } last && last.ToVersion == manifest.Version)
        {
            UpdateLog.SkippingRolledBack(log, manifest.Version!);
            return new UpdateResult(UpdateOutcome.Skipped, $"Agent {offered} was rolled back on this machine before; `guruconnect-agent update` tries it again.", offered.ToString());
        }

        if (!apply)
        {
            UpdateLog.Available(log, offered.ToString(), CurrentVersion);
            return new UpdateResult(UpdateOutcome.Available, $"Agent {offered} is available (installed: {CurrentVersion}); its release signature verifies.", offered.ToString());
        }

        if (!Uri.TryCreate(manifest.DownloadUrl, UriKind.Absolute, out var download))
        {
            throw new UpdateRefusedException("the manifest has no valid download URL");
        }

        return await ApplyAsync(manifest.Version!, sha.ToLowerInvariant(), download, cancellationToken);
    }

    private async Task<UpdateResult> ApplyAsync(string version, string sha, Uri download, CancellationToken cancellationToken)
    {
        var path = binary.Path!;
        BinaryFiles.DeleteStaleTemps(path);
        string staged;
        FileStream stream;
        try
        {
            stream = BinaryFiles.CreateStaging(path, out staged);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UpdateRefusedException($"the agent's folder {Path.GetDirectoryName(path)} is not writable ({ex.Message})");
        }

        try
        {
            string actual;
            await using (stream)
            {
                actual = await client.DownloadAsync(download, stream, settings.MaxDownloadBytes, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(actual), Convert.FromHexString(sha)))
            {
                throw new UpdateRefusedException($"the SHA-256 of the downloaded agent {version} is not the signed one (a damaged or altered download)");
            }

            if (await probe.ProbeAsync(staged, settings.ProbeTimeout, cancellationToken) is { } broken)
            {
                throw new UpdateRefusedException($"the downloaded agent {version} cannot run on this machine: {broken}");
            }

            // The record comes first: whatever happens from here on, the next start knows what to undo.
            var now = time.GetUtcNow();
            var trial = new UpdateState(UpdatePhases.Trial, CurrentVersion, version, sha, path, binary.PreviousPath, now, now + settings.RollbackWindow);
            await stateFile.WriteAsync(trial, cancellationToken);
            try
            {
                BinaryFiles.Swap(path, staged, binary.PreviousPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stateFile.WriteAsync(trial with { Phase = UpdatePhases.RolledBack, EndedAt = time.GetUtcNow(), Detail = "the swap failed" }, CancellationToken.None);
                throw new UpdateRefusedException($"replacing {path} failed ({ex.Message})");
            }

            UpdateLog.Applied(log, CurrentVersion, version, settings.RollbackWindow.TotalSeconds, binary.PreviousPath);
            return new UpdateResult(UpdateOutcome.Applied, $"Agent {version} is installed (was {CurrentVersion}); it must connect within {settings.RollbackWindow.TotalMinutes:0} minutes or {CurrentVersion} comes back.", version);
        }
        finally
        {
            BinaryFiles.TryDelete(staged);
        }
    }

    private UpdateResult Refuse(string reason)
    {
        UpdateLog.Refused(log, reason, CurrentVersion);
        return new UpdateResult(UpdateOutcome.Refused, $"Update refused: {reason}. The installed agent {CurrentVersion} is unchanged.");
    }

    /// <summary>A server-supplied string, safe to print: no control characters, bounded.</summary>
    private static string Printable(string? text)
    {
        if (text is null)
        {
            return "(none)";
        }

        var clean = new string([.. text.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 40 ? clean + "…" : clean;
    }
}
