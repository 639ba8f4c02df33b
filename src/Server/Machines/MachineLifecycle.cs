namespace GuruConnect.Server.Machines;

/// <summary>
/// Announces changes that must reach a live agent socket at once (docs/security.md §11: a revoked key or a
/// removed machine is disconnected within 1 s). The relay subscribes; REST handlers raise.
/// </summary>
internal sealed class MachineLifecycle
{
    public event Action<Guid, Guid>? KeyRevoked;

    public event Action<Guid>? MachineRemoved;

    public event Action<Guid>? MachinePending;

    public void RaiseKeyRevoked(Guid machineId, Guid keyId) => KeyRevoked?.Invoke(machineId, keyId);

    public void RaiseMachineRemoved(Guid machineId) => MachineRemoved?.Invoke(machineId);

    public void RaiseMachinePending(Guid machineId) => MachinePending?.Invoke(machineId);
}
