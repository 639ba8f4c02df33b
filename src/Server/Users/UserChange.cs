namespace GuruConnect.Server.Users;

internal enum UserChange
{
    Done,
    NotFound,
    LastAdmin,
    UsernameTaken,
}
