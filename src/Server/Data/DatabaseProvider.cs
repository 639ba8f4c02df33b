namespace GuruConnect.Server.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
