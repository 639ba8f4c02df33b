namespace GuruConnect.Server.Machines;

internal static class EnrollmentStates
{
    public const string Active = "active";
    public const string Pending = "pending";
}
