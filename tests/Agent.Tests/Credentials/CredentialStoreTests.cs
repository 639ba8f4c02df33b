using System.Text;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Tests.Support;

namespace GuruConnect.Agent.Tests.Credentials;

public sealed class CredentialStoreTests : IDisposable
{
    private static readonly MachineIdentity ThisMachine = IdentityProvider.Compute(FakeHardwareInfo.Default.Signals);
    private static readonly MachineIdentity OtherMachine = IdentityProvider.Compute(
        new IdentitySignals("11111111-2222-3333-4444-555555555555", "OTHER-BOARD", "OTHER-DISK", null));

    private readonly TempDirectory _directory = new();

    private string StateDirectory => _directory.Combine("state");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SaveThenLoad_RoundTripsTheKey()
    {
        var store = Store(ThisMachine);

        await store.SaveAsync(TestKeys.MachineKey, Token);

        (await Store(ThisMachine).LoadAsync(Token)).ShouldBe(TestKeys.MachineKey);
    }

    [Fact]
    public async Task Load_NothingStored_ReturnsNull()
    {
        (await Store(ThisMachine).LoadAsync(Token)).ShouldBeNull();
    }

    [Fact]
    public async Task Save_FileIs0600_AndFolderIs0700()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes; Windows uses the folder ACL");
        var store = Store(ThisMachine);

        await store.SaveAsync(TestKeys.MachineKey, Token);

        File.GetUnixFileMode(store.Path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(StateDirectory).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task Save_ExistingLooseFolder_IsTightenedTo0700()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        Directory.CreateDirectory(StateDirectory);
        File.SetUnixFileMode(StateDirectory, (UnixFileMode)0b111_101_101);

        await Store(ThisMachine).SaveAsync(TestKeys.MachineKey, Token);

        File.GetUnixFileMode(StateDirectory).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task Save_FileBytes_DoNotContainTheKeyInAnyCommonEncoding()
    {
        var store = Store(ThisMachine);

        await store.SaveAsync(TestKeys.MachineKey, Token);

        var bytes = await File.ReadAllBytesAsync(store.Path, Token);
        var secret = TestKeys.MachineKey["cak_".Length..];
        var asLatin1 = Encoding.Latin1.GetString(bytes);
        asLatin1.ShouldNotContain(secret, Case.Insensitive);
        asLatin1.ShouldNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(TestKeys.MachineKey)));
        Convert.ToHexString(bytes).ShouldNotContain(Convert.ToHexString(Convert.FromHexString(secret)));
        Convert.ToBase64String(bytes).ShouldNotContain(Convert.ToBase64String(Convert.FromHexString(secret))[..20]);
    }

    [Fact]
    public async Task Load_FileCopiedToAMachineWithOtherSignals_FailsWithTheClearError()
    {
        var store = Store(ThisMachine);
        await store.SaveAsync(TestKeys.MachineKey, Token);

        var ex = await Should.ThrowAsync<CredentialStoreUnreadableException>(() => Store(OtherMachine).LoadAsync(Token));

        ex.Message.ShouldContain(store.Path);
        ex.Message.ShouldContain($"delete {store.Path}", Case.Insensitive);
        ex.Message.ShouldContain("guruconnect-agent enroll");
        ex.Message.ShouldContain("restore the machine's original hardware identity");
    }

    [Fact]
    public async Task Save_InterruptedBeforeTheRename_LeavesTheOldKeyIntact()
    {
        await Store(ThisMachine).SaveAsync(TestKeys.MachineKey, Token);
        string? tempSeen = null;
        var crashing = new CredentialStore(StateDirectory, new IdentityKeyedProtector(ThisMachine))
        {
            BeforeReplace = temp =>
            {
                tempSeen = temp;
                // Half a file, as a power cut mid-write would leave it, then the crash.
                File.WriteAllBytes(temp, [0x47, 0x43]);
                throw new IOException("simulated crash before rename");
            },
        };

        await Should.ThrowAsync<IOException>(() => crashing.SaveAsync(TestKeys.OtherMachineKey, Token));

        tempSeen.ShouldNotBeNull();
        Path.GetDirectoryName(tempSeen).ShouldBe(Path.GetFullPath(StateDirectory));
        (await Store(ThisMachine).LoadAsync(Token)).ShouldBe(TestKeys.MachineKey);
    }

    [Fact]
    public async Task StaleTruncatedTempFiles_AreIgnoredByLoad_AndRemovedByTheNextSave()
    {
        var store = Store(ThisMachine);
        await store.SaveAsync(TestKeys.MachineKey, Token);
        var stale = Path.Combine(StateDirectory, CredentialStore.FileName + ".0123456789abcdef.tmp");
        await File.WriteAllBytesAsync(stale, [0x47, 0x43, 0x41], Token);

        (await store.LoadAsync(Token)).ShouldBe(TestKeys.MachineKey);

        await store.SaveAsync(TestKeys.OtherMachineKey, Token);
        File.Exists(stale).ShouldBeFalse();
        (await store.LoadAsync(Token)).ShouldBe(TestKeys.OtherMachineKey);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x01, 0x02 })]
    [InlineData(new byte[] { 0x47, 0x43, 0x41, 0x4B, 0x01, 0x00, 0x00 })]
    public async Task Load_CorruptFile_ThrowsTheClearErrorNamingThePath(byte[] content)
    {
        var store = Store(ThisMachine);
        Directory.CreateDirectory(StateDirectory);
        await File.WriteAllBytesAsync(store.Path, content, Token);

        var ex = await Should.ThrowAsync<CredentialStoreUnreadableException>(() => store.LoadAsync(Token));

        ex.Message.ShouldContain(store.Path);
        ex.StorePath.ShouldBe(store.Path);
    }

    [Fact]
    public async Task Load_OneFlippedCiphertextBit_ThrowsTheClearError()
    {
        var store = Store(ThisMachine);
        await store.SaveAsync(TestKeys.MachineKey, Token);
        var bytes = await File.ReadAllBytesAsync(store.Path, Token);
        bytes[^1] ^= 0x01;
        await File.WriteAllBytesAsync(store.Path, bytes, Token);

        await Should.ThrowAsync<CredentialStoreUnreadableException>(() => store.LoadAsync(Token));
    }

    [Fact]
    public async Task Delete_RemovesTheKey()
    {
        var store = Store(ThisMachine);
        await store.SaveAsync(TestKeys.MachineKey, Token);

        await store.DeleteAsync(Token);

        (await store.LoadAsync(Token)).ShouldBeNull();
    }

    [Fact]
    public async Task Save_SomethingThatIsNotAMachineKey_IsRefused()
    {
        await Should.ThrowAsync<ArgumentException>(() => Store(ThisMachine).SaveAsync(TestKeys.EnrollmentKey, Token));
    }

    public void Dispose() => _directory.Dispose();

    private CredentialStore Store(MachineIdentity identity) => new(StateDirectory, new IdentityKeyedProtector(identity));
}
