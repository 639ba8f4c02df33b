namespace GuruConnect.Server.Data;

/// <summary>Every scoped table carries <c>tenant_id</c>; until multi-tenancy ships, everything lives in this one.</summary>
internal static class Tenants
{
    public static readonly Guid Default = Guid.Parse("00000000-0000-0000-0000-000000000001");
}
