using System.Data.Common;
using System.Diagnostics.Metrics;
using GuruConnect.Protocol;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Data;
using GuruConnect.Server.Machines;
using GuruConnect.Server.Observability;
using GuruConnect.Server.RateLimiting;
using GuruConnect.Server.Sites;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Enrollment;

/// <summary>
/// Zero-touch enrollment, in the order of docs/api.md "Enrollment": rate limit per (site code, IP); verify the site key
/// with exactly one Argon2id verification on every rejection path; then dedup on (tenant, uid):
/// new (201), cross-site (409, nothing changes), collision (202 pending, no key), or reuse (200).
/// </summary>
internal sealed class EnrollmentService(
    Database database,
    SiteStore sites,
    MachineStore machines,
    MachineKeyStore keys,
    MachinePresence presence,
    MachineLifecycle lifecycle,
    Argon2id argon2,
    VerifiedKeyCache cache,
    AuditLog audit,
    ServerMetrics metrics,
    IOptions<EnrollmentOptions> options,
    TimeProvider time,
    ILogger<EnrollmentService> logger)
{
    private readonly Counter<long> outcomes = metrics.Meter.CreateCounter<long>(
        "guruconnect_enroll_outcomes_total", description: "Enrollment requests by outcome");

    public KeyedRateLimiter Limiter { get; } = new(
        new RateLimitPolicy(options.Value.RequestsPerWindow, options.Value.Window, options.Value.FailuresBeforeLockout, options.Value.Lockout,
            options.Value.RateLimiterMaxEntries),
        time);

    public async Task<EnrollOutcome> EnrollAsync(ValidEnrollRequest request, string ip, CancellationToken cancellationToken)
    {
        var bucket = $"{request.SiteCode.ToLowerInvariant()}|{ClientBucket.Of(ip)}";
        var decision = Limiter.TryAcquire(bucket);
        if (!decision.Allowed)
        {
            Count("rate_limited");
            return new EnrollOutcome.RateLimited(decision.RetryAfter);
        }

        var (siteId, active) = await sites.FindForEnrollmentAsync(request.SiteCode, cancellationToken);
        var rejection = await VerifyAsync(request.EnrollmentKey, siteId, active, cancellationToken);
        if (rejection is not null || active is null)
        {
            Limiter.RecordFailure(bucket);
            EnrollLog.Rejected(logger, request.SiteCode, ip, rejection!);
            await audit.WriteAsync(new AuditEntry(AuditEventTypes.EnrollRejected, Ip: ip, Details: new Dictionary<string, object?>
            {
                ["siteCode"] = request.SiteCode,
                ["machineUid"] = request.MachineUid,
                ["hostname"] = request.Hostname,
                ["reason"] = rejection,
            }), cancellationToken);
            Count("rejected");
            return new EnrollOutcome.Rejected(rejection!);
        }

        Limiter.RecordSuccess(bucket);
        var outcome = await ApplyAsync(request, active, allowRaceRetry: true, cancellationToken);
        if (outcome is EnrollOutcome.Pending pending)
        {
            // docs/security.md §10: a pending machine cannot stay connected either; the relay drops its socket.
            lifecycle.RaiseMachinePending(pending.MachineId);
        }

        await AuditAsync(outcome, request, active, ip, cancellationToken);
        if (outcome is EnrollOutcome.Enrolled { RevokedKeys: { Count: > 0 } revokedKeys } enrolled)
        {
            foreach (var keyId in revokedKeys)
            {
                lifecycle.RaiseKeyRevoked(enrolled.MachineId, keyId);     // closes any socket still using it
                await audit.WriteAsync(new AuditEntry(AuditEventTypes.MachineKeyRevoked, Actor: "enrollment", MachineId: enrolled.MachineId, Ip: ip,
                    Details: new Dictionary<string, object?> { ["keyId"] = keyId, ["reason"] = "re-enrolled" }), cancellationToken);
            }
        }

        return outcome;
    }

    /// <summary>Null when verified, else the reason. Every rejection path pays one Argon2id verification.</summary>
    private async Task<string?> VerifyAsync(string presented, Guid? siteId, ActiveEnrollmentKey? active, CancellationToken cancellationToken)
    {
        if (active is null)
        {
            await argon2.VerifyDummyAsync(presented, cancellationToken);
            return siteId is null ? "unknown_site" : "no_active_key";
        }

        var verified = options.Value.VerifiedKeyCache
            ? await cache.VerifyAsync(presented, active.SiteId, active.Version, () => argon2.VerifyAsync(active.KeyHash, presented, CancellationToken.None))
            : await argon2.VerifyAsync(active.KeyHash, presented, cancellationToken);
        if (!verified)
        {
            return "wrong_key";
        }

        return null;
    }

    private async Task<EnrollOutcome> ApplyAsync(ValidEnrollRequest request, ActiveEnrollmentKey site, bool allowRaceRetry, CancellationToken cancellationToken)
    {
        try
        {
            return await database.InTransactionAsync((connection, transaction) => DecideAsync(connection, transaction, request, site, cancellationToken), cancellationToken);
        }
        catch (DbException ex) when (allowRaceRetry && SqlDialect.IsUniqueViolation(ex, out var constraint) && MachineStore.IsUidConflict(constraint))
        {
            // Two first enrollments of one uid raced; the other created the row. Converge on it (docs/api.md "Enrollment", step 5).
            EnrollLog.RaceRetried(logger);
            return await ApplyAsync(request, site, allowRaceRetry: false, cancellationToken);
        }
    }

    private async Task<EnrollOutcome> DecideAsync(DbConnection connection, DbTransaction transaction, ValidEnrollRequest request, ActiveEnrollmentKey site, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var labels = request.Labels;
        var enrolling = new EnrollingMachine(request.MachineUid, request.Hostname, site.SiteId,
            labels?.Company, labels?.Site, labels?.Department, labels?.DeviceType, labels?.Tags);
        var row = await machines.FindByUidForUpdateAsync(connection, transaction, request.MachineUid, cancellationToken);

        if (row is null)
        {
            var id = Guid.CreateVersion7(now);
            await MachineStore.InsertEnrolledAsync(connection, transaction, id, enrolling, now, cancellationToken);
            var key = await keys.IssueAsync(connection, transaction, id, cancellationToken);
            return new EnrollOutcome.Enrolled(id, key.Key, Dispositions.New);
        }

        if (row.SiteId is { } boundSite && boundSite != site.SiteId)
        {
            return new EnrollOutcome.SiteConflict(row.Id);
        }

        var collision = presence.IsOnline(row.Id) && !string.Equals(row.Hostname, request.Hostname, StringComparison.OrdinalIgnoreCase);
        if (row.EnrollmentState == EnrollmentStates.Pending || collision)
        {
            await MachineStore.MarkPendingAsync(connection, transaction, row.Id, request.Hostname, now, cancellationToken);
            if (collision)
            {
                EnrollLog.CollisionPending(logger, row.Id, row.Hostname, request.Hostname);
            }

            return new EnrollOutcome.Pending(row.Id);
        }

        await MachineStore.ReuseForEnrollmentAsync(connection, transaction, row.Id, enrolling, now, cancellationToken);
        var issued = await keys.IssueAsync(connection, transaction, row.Id, cancellationToken);
        // One active key per machine: the re-enrolled agent holds the new one, so the old ones go with the row lock held.
        var revoked = await keys.RevokeOthersAsync(connection, transaction, row.Id, issued.KeyId, cancellationToken);
        return new EnrollOutcome.Enrolled(row.Id, issued.Key, Dispositions.Reuse, revoked);
    }

    private async Task AuditAsync(EnrollOutcome outcome, ValidEnrollRequest request, ActiveEnrollmentKey site, string ip, CancellationToken cancellationToken)
    {
        var (type, machineId, label) = outcome switch
        {
            EnrollOutcome.Enrolled { Disposition: Dispositions.New } e => (AuditEventTypes.EnrollNew, e.MachineId, "new"),
            EnrollOutcome.Enrolled e => (AuditEventTypes.EnrollReuse, e.MachineId, "reuse"),
            EnrollOutcome.SiteConflict c => (AuditEventTypes.EnrollSiteConflict, c.MachineId, "site_conflict"),
            EnrollOutcome.Pending p => (AuditEventTypes.EnrollCollisionPending, p.MachineId, "collision_pending"),
            _ => throw new InvalidOperationException("unexpected enrollment outcome"),
        };
        Count(label);
        if (outcome is EnrollOutcome.SiteConflict)
        {
            EnrollLog.SiteConflict(logger, request.SiteCode, machineId);
        }
        else
        {
            EnrollLog.Enrolled(logger, machineId, site.SiteCode, label);
        }

        await audit.WriteAsync(new AuditEntry(type, MachineId: machineId, Ip: ip, Details: new Dictionary<string, object?>
        {
            ["siteCode"] = site.SiteCode,
            ["machineUid"] = request.MachineUid,
            ["hostname"] = request.Hostname,
            ["keyFingerprint"] = KeyFingerprint.Label(site.Version, site.Fingerprint),
        }), cancellationToken);
    }

    private void Count(string outcome) => outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
