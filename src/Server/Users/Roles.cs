namespace GuruConnect.Server.Users;

internal static class Roles
{
    public const string Admin = "admin";
    public const string Technician = "technician";

    public static bool IsValid(string? role) => role is Admin or Technician;
}
