namespace GuruConnect.Agent.Tests.Support;

internal static class TestKeys
{
    public const string EnrollmentKey = "cek_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    public const string MachineKey = "cak_ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
    public const string OtherMachineKey = "cak_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    public const string MachineId = "3f2b8c1e-8a4d-4f6e-9b1a-2c3d4e5f6a7b";
}
