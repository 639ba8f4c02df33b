using GuruConnect.Protocol;
using GuruConnect.Server.Machines;

namespace GuruConnect.Server.Relay;

/// <summary>
/// The machine a bootstrap-key agent is, the key minted for it now (null while it has an active one),
/// or why it may not connect (<see cref="CloseReasons.Removed"/>, <see cref="CloseReasons.Pending"/>).
/// </summary>
internal sealed record BootstrapResult(Guid MachineId, DateTimeOffset CreatedAt, IssuedMachineKey? Key, bool Created, string? Refusal);
