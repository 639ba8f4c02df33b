namespace GuruConnect.Server.Tests.Infrastructure;

/// <summary>The database matrix: every server integration test is a theory over both providers.</summary>
public static class Databases
{
    public static TheoryData<DbKind> Both => new(DbKind.Sqlite, DbKind.Postgres);
}
