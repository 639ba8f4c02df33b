using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Update;

/// <summary>What <see cref="UpdateGuard.CheckAtStart"/> found.</summary>
internal enum GuardState
{
    /// <summary>No update on trial: nothing to do.</summary>
    Idle,
    /// <summary>This binary is on trial: commit on the first connection, roll back at the deadline.</summary>
    OnTrial,
    /// <summary>The deadline had passed: the previous binary is back; start it.</summary>
    RolledBack,
}

/// <summary>
/// The rollback half of an update (docs/agent.md "Updates"). <c>update.json</c> says a new binary is on
/// trial until a deadline. The new binary commits after its first successful connection; if the
/// deadline passes first — in the running binary (<see cref="RollBackIfStillOnTrialAsync"/>), or at
/// the next start, which under systemd is also checked by the previous binary before the new one is
/// started (the unit's <c>ExecStartPre=… update --guard</c>), so even a binary that cannot start at all
/// is replaced — the previous binary is put back and the service manager starts it.
/// </summary>
internal sealed class UpdateGuard(UpdateStateFile stateFile, InstalledBinary binary, TimeProvider time, ILogger<UpdateGuard> log)
{
    private readonly Lock gate = new();
    private UpdateState? trial;

    /// <summary>The trial this process watches, once <see cref="CheckAtStart"/> found one.</summary>
    public UpdateState? Trial
    {
        get
        {
            lock (gate)
            {
                return trial;
            }
        }
    }

    /// <summary>Before anything else: roll back now if the deadline passed, or start watching this binary's trial.</summary>
    public async Task<GuardState> CheckAtStart(CancellationToken cancellationToken)
    {
        if (stateFile.Read() is not { Phase: UpdatePhases.Trial } state)
        {
            return GuardState.Idle;
        }

        // The running process watches only a trial of its own path; the guard (the previous binary) checks the installed one.
        if (!IsGuardOnly && (binary.Path is null || !string.Equals(Path.GetFullPath(state.BinaryPath), binary.Path, StringComparison.Ordinal)))
        {
            return GuardState.Idle;
        }

        if (!IsInstalled(state))
        {
            // Someone installed another build over the trial (a reinstall): that one stands.
            await stateFile.WriteAsync(state with { Phase = UpdatePhases.Committed, EndedAt = time.GetUtcNow(), Detail = "replaced by another install" }, cancellationToken);
            return GuardState.Idle;
        }

        if (time.GetUtcNow() >= state.Deadline)
        {
            return await RollBackAsync(state, $"it did not connect within {(state.Deadline - state.AppliedAt).TotalSeconds:0} s", cancellationToken)
                ? GuardState.RolledBack
                : GuardState.Idle;
        }

        if (IsGuardOnly)
        {
            return GuardState.Idle;
        }

        lock (gate)
        {
            trial = state;
        }

        UpdateLog.OnTrial(log, state.ToVersion, state.Deadline);
        return GuardState.OnTrial;
    }

    /// <summary>True when run by <c>update --guard</c> from the previous binary, which only checks the deadline.</summary>
    public bool IsGuardOnly { get; init; }

    /// <summary>The first successful connection: the new binary stays.</summary>
    public async Task<bool> CommitAsync(CancellationToken cancellationToken)
    {
        UpdateState? state;
        lock (gate)
        {
            state = trial;
            trial = null;
        }

        if (state is null)
        {
            return false;
        }

        await stateFile.WriteAsync(state with { Phase = UpdatePhases.Committed, EndedAt = time.GetUtcNow() }, cancellationToken);
        UpdateLog.Committed(log, state.ToVersion, state.PreviousPath);
        return true;
    }

    /// <summary>At the deadline: if no connection committed the trial, put the previous binary back.</summary>
    /// <returns>True when it rolled back (restart into the previous binary).</returns>
    public async Task<bool> RollBackIfStillOnTrialAsync(CancellationToken cancellationToken)
    {
        UpdateState? state;
        lock (gate)
        {
            state = trial;
            trial = null;
        }

        return state is not null
            && await RollBackAsync(state, $"it did not connect within {(state.Deadline - state.AppliedAt).TotalSeconds:0} s", cancellationToken);
    }

    private async Task<bool> RollBackAsync(UpdateState state, string reason, CancellationToken cancellationToken)
    {
        try
        {
            BinaryFiles.Restore(state.BinaryPath, state.PreviousPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            UpdateLog.RollbackFailed(log, state.ToVersion, ex.Message);
            return false;
        }

        await stateFile.WriteAsync(state with { Phase = UpdatePhases.RolledBack, EndedAt = time.GetUtcNow(), Detail = reason }, cancellationToken);
        UpdateLog.RolledBack(log, state.ToVersion, reason, state.FromVersion, state.BinaryPath);
        return true;
    }

    /// <summary>The installed file is still the one on trial (its signed SHA-256).</summary>
    private static bool IsInstalled(UpdateState state)
    {
        try
        {
            using var stream = File.OpenRead(state.BinaryPath);
            return string.Equals(Convert.ToHexStringLower(SHA256.HashData(stream)), state.Sha256, StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
