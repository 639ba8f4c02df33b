using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Retry;
using GuruConnect.Agent.State;
using GuruConnect.Protocol;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Enrollment;

/// <summary>
/// Read config → compute the machine uid → <c>POST /api/enroll</c> → store the <c>cak_</c> key →
/// remove <c>enrollmentKey</c> from the config. <c>enroll</c> tries once; <c>run</c> waits out
/// approvals, rate limits and outages, and never hammers the server (docs/agent.md).
/// </summary>
internal sealed class EnrollmentFlow(
    AgentPaths paths,
    IdentityProvider identityProvider,
    Func<MachineIdentity, ICredentialProtector> protectorFactory,
    EnrollmentClient client,
    TimeProvider time,
    ILogger<EnrollmentFlow> log,
    string hostname,
    Func<double> random)
{
    /// <summary>docs/agent.md "Run modes": a pending machine is checked again about once a minute.</summary>
    public static TimeSpan PendingPollInterval { get; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Rejected, conflicting or invalid requests need a person; retrying every 15 minutes stays far
    /// below the server's lockout (20 consecutive failures, docs/api.md) and still picks up a fix.
    /// </summary>
    public static TimeSpan NeedsAttentionInterval { get; } = TimeSpan.FromMinutes(15);

    private readonly AgentConfigFile _configFile = new(paths.ConfigPath);
    private readonly AgentStateFile _stateFile = new(paths.StateFilePath, time);

    /// <summary>
    /// <c>run</c>: the stored key when there is one, otherwise enroll, retrying until it succeeds.
    /// </summary>
    /// <exception cref="AgentConfigException">Config missing or unusable (a person must fix it).</exception>
    /// <exception cref="CredentialStoreUnreadableException">A stored key exists but cannot be used.</exception>
    /// <exception cref="MachineIdentityException">The machine has no identity at all.</exception>
    public async Task<AgentCredentials> EnsureEnrolledAsync(CancellationToken cancellationToken)
    {
        var identity = await identityProvider.GetIdentityAsync(cancellationToken);
        var store = new CredentialStore(paths.StateDirectory, protectorFactory(identity));
        if (await store.LoadAsync(cancellationToken) is { } storedKey)
        {
            var config = await _configFile.LoadAsync(cancellationToken);
            EnrollmentLog.UsingStoredCredential(log, KeyFingerprint.Of(storedKey), store.Path);
            return new AgentCredentials(config.RequireServer(paths.ConfigPath), storedKey, identity);
        }

        var backoff = Backoff.CreateDefault(random);
        while (true)
        {
            // Re-read every attempt: the fix for a rejected key is usually an edited config.
            var config = await _configFile.LoadAsync(cancellationToken);
            var result = await AttemptAsync(config, identity, store, cancellationToken);
            TimeSpan delay;
            switch (result)
            {
                case EnrollmentResult.Enrolled enrolled:
                    return new AgentCredentials(config.RequireServer(paths.ConfigPath), enrolled.Key, identity);
                case EnrollmentResult.Pending pending:
                    backoff.Reset();
                    delay = Backoff.Jittered(PendingPollInterval, TimeSpan.FromSeconds(10), random());
                    EnrollmentLog.Pending(log, pending.MachineId, delay);
                    break;
                case EnrollmentResult.RateLimited limited:
                    delay = limited.RetryAfter ?? backoff.Next();
                    EnrollmentLog.NotEnrolled(log, "Rate limited", limited.Message, delay);
                    break;
                case EnrollmentResult.Rejected or EnrollmentResult.SiteConflict or EnrollmentResult.InvalidRequest:
                    delay = Backoff.Jittered(NeedsAttentionInterval, TimeSpan.FromMinutes(1), random());
                    EnrollmentLog.WaitingForFix(log, result.Message, paths.ConfigPath, delay, time.GetUtcNow() + delay);
                    break;
                default:
                    delay = backoff.Next();
                    EnrollmentLog.NotEnrolled(log, "Enrollment failed", result.Message, delay);
                    break;
            }

            await Task.Delay(delay, time, cancellationToken);
        }
    }

    /// <summary><c>enroll</c>: one attempt with the flags laid over the config file.</summary>
    /// <exception cref="AgentConfigException">Config missing or unusable.</exception>
    /// <exception cref="MachineIdentityException">The machine has no identity at all.</exception>
    public async Task<EnrollmentResult> EnrollOnceAsync(string? server, string? siteCode, string? enrollmentKey, CancellationToken cancellationToken)
    {
        var fileConfig = await _configFile.TryLoadAsync(cancellationToken);
        var complete = !string.IsNullOrWhiteSpace(server) && !string.IsNullOrWhiteSpace(siteCode) && !string.IsNullOrWhiteSpace(enrollmentKey);
        if (fileConfig is null && !complete)
        {
            await _configFile.LoadAsync(cancellationToken); // throws the "no config at {path}" message
        }

        var config = (fileConfig ?? new AgentConfig()).WithOverrides(server, siteCode, enrollmentKey);
        var identity = await identityProvider.GetIdentityAsync(cancellationToken);
        // An unreadable existing store is not read here: enrolling again is its documented fix.
        var store = new CredentialStore(paths.StateDirectory, protectorFactory(identity));
        return await AttemptAsync(config, identity, store, cancellationToken);
    }

    private async Task<EnrollmentResult> AttemptAsync(AgentConfig config, MachineIdentity identity, CredentialStore store, CancellationToken cancellationToken)
    {
        var server = config.RequireServer(paths.ConfigPath);
        var siteCode = config.RequireSiteCode(paths.ConfigPath);
        var enrollmentKey = config.ValidEnrollmentKeyOrNull(paths.ConfigPath) ?? throw new AgentConfigException(
            paths.ConfigPath,
            $"This machine has no stored machine key ({store.Path}) and the agent config at {paths.ConfigPath} has no \"enrollmentKey\" to enroll with. " +
            $"Run `guruconnect-agent enroll --enrollment-key cek_…` with a current key of site {siteCode} (console: {ConsolePaths.RotateKey}; a key is shown once), " +
            $"or reinstall with a fresh site installer ({ConsolePaths.BuildInstaller}).");

        await _stateFile.UpdateAsync(s => s with { ConnectionState = ConnectionStates.Enrolling, MachineUid = identity.Uid, IdentityScope = identity.ScopeName }, cancellationToken);
        EnrollmentLog.Started(log, EnrollmentClient.Endpoint(server), siteCode, KeyFingerprint.Of(enrollmentKey), identity.Uid, identity.ScopeName);
        var request = new EnrollmentRequest(siteCode, enrollmentKey, identity.Uid, hostname, config.Labels);
        var result = await client.EnrollAsync(server, request, cancellationToken);

        if (result is EnrollmentResult.Enrolled enrolled)
        {
            // Key first: a crash before the config rewrite leaves a working agent that still holds
            // the site key, never an agent with neither.
            await store.SaveAsync(enrolled.Key, cancellationToken);
            EnrollmentLog.Enrolled(log, enrolled.MachineId, enrolled.Disposition, KeyFingerprint.Of(enrolled.Key));
            await RewriteConfigAsync(config, cancellationToken);
            await _stateFile.UpdateAsync(
                s => s with
                {
                    MachineId = enrolled.MachineId.ToString(),
                    EnrollmentDisposition = enrolled.Disposition,
                    EnrolledAt = time.GetUtcNow(),
                    ConnectionState = ConnectionStates.Disconnected,
                    LastError = null,
                    LastErrorAt = null,
                },
                cancellationToken);
            return result;
        }

        await _stateFile.UpdateAsync(
            s => s with
            {
                MachineId = (result as EnrollmentResult.Pending)?.MachineId?.ToString() ?? s.MachineId,
                ConnectionState = result is EnrollmentResult.Pending ? ConnectionStates.PendingApproval : ConnectionStates.EnrollmentFailed,
                LastError = result.Message,
                LastErrorAt = time.GetUtcNow(),
            },
            cancellationToken);
        return result;
    }

    private async Task RewriteConfigAsync(AgentConfig used, CancellationToken cancellationToken)
    {
        try
        {
            await _configFile.CompleteEnrollmentAsync(used, cancellationToken);
            EnrollmentLog.ConfigRewritten(log, paths.ConfigPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AgentConfigException)
        {
            EnrollmentLog.ConfigRewriteFailed(log, paths.ConfigPath, ex.Message);
        }
    }
}
