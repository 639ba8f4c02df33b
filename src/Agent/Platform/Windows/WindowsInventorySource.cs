using GuruConnect.Agent.Inventory;

namespace GuruConnect.Agent.Platform.Windows;

/// <summary>
/// Windows inventory: the portable facts for now. WMI detail (manufacturer, model, serial) is read by
/// the identity reader already; joining it here is a follow-up. Compiled everywhere, used on Windows.
/// </summary>
internal sealed class WindowsInventorySource : IInventorySource
{
    public InventorySnapshot Read() =>
        PortableInventory.Basic("Windows", Environment.OSVersion.Version.ToString());
}
