namespace GuruConnect.Agent.Inventory;

/// <summary>The OS seam for inventory (tests replace it; Linux reads /proc, /sys and /etc/os-release).</summary>
internal interface IInventorySource
{
    InventorySnapshot Read();
}
