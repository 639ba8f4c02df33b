using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Tests.Support;

namespace GuruConnect.Agent.Tests.Identity;

public sealed class IdentityProviderTests
{
    private static readonly IdentitySignals Board = new(
        "4C4C4544-0042-3510-8052-B4C04F4B4E32", "/9X2KN32/CN1296", "S3Z1NB0K123456", "0f1e2d3c4b5a69788796a5b4c3d2e1f0");

    [Fact]
    public void Compute_GoldenVector_NeverDrifts()
    {
        // sha256("guruconnect-machine-uid-v1\n4C4C4544-…\n/9X2KN32/CN1296\nS3Z1NB0K123456"), docs/agent.md.
        var identity = IdentityProvider.Compute(Board);

        identity.Uid.ShouldBe("42b5c9c838ed66e9c05dacb893fd37838fab7bbaa0df8684a1d85f909a05f0a1");
        identity.Scope.ShouldBe(IdentityScope.Hardware);
        identity.ScopeName.ShouldBe("hardware");
    }

    [Fact]
    public async Task GetIdentityAsync_CalledTwice_GivesTheSameUid()
    {
        var provider = new IdentityProvider(new FakeHardwareInfo(Board));

        var first = await provider.GetIdentityAsync(TestContext.Current.CancellationToken);
        var second = await provider.GetIdentityAsync(TestContext.Current.CancellationToken);

        second.Uid.ShouldBe(first.Uid);
        first.Uid.ShouldMatch("^[0-9a-f]{64}$");
    }

    [Fact]
    public void Compute_WhitespaceAndCaseVariations_GiveTheSameUid()
    {
        var messy = new IdentitySignals(
            "  4c4c4544-0042-3510-8052-b4c04f4b4e32\n", "\t/9x2kn32/cn1296 ", "s3z1nb0k123456\0", null);

        IdentityProvider.Compute(messy).Uid.ShouldBe(IdentityProvider.Compute(Board).Uid);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")]
    [InlineData("ffffffff-ffff-ffff-ffff-ffffffffffff")]
    [InlineData("To Be Filled By O.E.M.")]
    [InlineData("Default string")]
    [InlineData("None")]
    [InlineData("Not Specified")]
    [InlineData("System Serial Number")]
    [InlineData("0")]
    [InlineData("   ")]
    [InlineData("")]
    public void Compute_JunkBoardValues_AreIgnored(string junk)
    {
        var withJunk = new IdentitySignals(junk, junk, "S3Z1NB0K123456", null);
        var diskOnly = new IdentitySignals(null, null, "S3Z1NB0K123456", null);

        IdentityProvider.Compute(withJunk).Uid.ShouldBe(IdentityProvider.Compute(diskOnly).Uid);
    }

    [Fact]
    public void Compute_NoHardwareSignal_FallsBackToOsInstallIdAsOsScoped()
    {
        var identity = IdentityProvider.Compute(new IdentitySignals("Default string", null, "  ", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"));

        identity.Scope.ShouldBe(IdentityScope.OsScoped);
        identity.ScopeName.ShouldBe("os-scoped");
        identity.Uid.ShouldBe(IdentityProvider.HashUid(["0F1E2D3C4B5A69788796A5B4C3D2E1F0"]));
    }

    [Fact]
    public void Compute_HardwarePresent_IgnoresTheOsInstallId()
    {
        var reinstalled = Board with { OsInstallId = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };

        IdentityProvider.Compute(reinstalled).Uid.ShouldBe(IdentityProvider.Compute(Board).Uid);
    }

    [Fact]
    public void Compute_NoSignalsAtAll_ThrowsAClearError()
    {
        var ex = Should.Throw<MachineIdentityException>(() =>
            IdentityProvider.Compute(new IdentitySignals(null, "None", "", null)));

        ex.Message.ShouldContain("No machine identity");
        ex.Message.ShouldContain("/etc/machine-id");
    }

    [Fact]
    public void Compute_TwoDifferentBoards_GiveTwoUids()
    {
        var other = Board with { SystemUuid = "4C4C4544-0042-3510-8052-B4C04F4B4E33", BoardSerial = "/8Y1JM21/CN1297" };

        IdentityProvider.Compute(other).Uid.ShouldNotBe(IdentityProvider.Compute(Board).Uid);
    }
}
