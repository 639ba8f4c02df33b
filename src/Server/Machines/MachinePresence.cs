using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace GuruConnect.Server.Machines;

/// <summary>
/// Which machines have a live agent socket on this node right now. The relay sets it; enrollment
/// reads it for collision detection ("the row is online now"), the machines list for <c>online</c>
/// and <c>activeViewers</c>.
/// </summary>
internal sealed class MachinePresence
{
    private readonly ConcurrentDictionary<Guid, int> online = new();
    private readonly ConcurrentDictionary<Guid, ImmutableList<ActiveViewer>> viewers = new();

    /// <summary>Ids of machines online now (the machines list filters on it).</summary>
    public IReadOnlyCollection<Guid> OnlineIds => online.Keys.ToList();

    public IReadOnlyList<ActiveViewer> ViewersOf(Guid machineId) =>
        viewers.TryGetValue(machineId, out var list) ? list : [];

    public void ViewerJoined(Guid machineId, ActiveViewer viewer) =>
        viewers.AddOrUpdate(machineId, _ => [viewer], (_, list) => list.Add(viewer));

    public void ViewerLeft(Guid machineId, string viewerId)
    {
        viewers.AddOrUpdate(machineId, _ => [], (_, list) => list.RemoveAll(v => v.ViewerId == viewerId));
        viewers.TryRemove(new KeyValuePair<Guid, ImmutableList<ActiveViewer>>(machineId, []));
    }

    public bool IsOnline(Guid machineId) => online.TryGetValue(machineId, out var count) && count > 0;

    public int OnlineCount => online.Count;

    public void Connected(Guid machineId) => online.AddOrUpdate(machineId, 1, (_, count) => count + 1);

    public void Disconnected(Guid machineId)
    {
        while (online.TryGetValue(machineId, out var count))
        {
            if (count <= 1 ? online.TryRemove(new KeyValuePair<Guid, int>(machineId, count)) : online.TryUpdate(machineId, count - 1, count))
            {
                return;
            }
        }
    }
}
