namespace GuruConnect.Server.Tests.Infrastructure;

public enum DbKind
{
    Sqlite,
    Postgres,
}
