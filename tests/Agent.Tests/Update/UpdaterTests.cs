using System.Security.Cryptography;
using GuruConnect.Agent.Update;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Tests.Update;

/// <summary>
/// docs/security.md §20 and docs/agent.md "Updates": a manifest whose signature or SHA-256 does not
/// verify, a downgrade and a binary that cannot start are refused with one clear line and the
/// installed binary untouched; a good one is swapped in atomically with the previous binary kept.
/// Fake release server: real Kestrel with TLS on loopback (<see cref="ReleaseServer"/>).
/// </summary>
public sealed class UpdaterTests : IAsyncLifetime
{
    private readonly UpdateMachine machine = new();
    private ReleaseServer server = null!;
    private HttpClient http = null!;

    public async ValueTask InitializeAsync()
    {
        UpdateMachine.SkipUnlessUnix();
        server = await ReleaseServer.StartAsync();
        http = server.CreateTrustingClient();
    }

    public async ValueTask DisposeAsync()
    {
        http?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        machine.Dispose();
    }

    [Fact]
    public async Task A_good_signed_newer_build_is_applied_and_the_previous_binary_kept()
    {
        var next = UpdateMachine.Script("0.2.0");
        server.Publish(machine.SigningKey, "0.2.0", next);

        var result = await Check();

        result.Outcome.ShouldBe(UpdateOutcome.Applied, result.Message);
        machine.Installed.ShouldBe(next);
        File.ReadAllBytes(machine.PreviousPath).ShouldBe(machine.OldBinary);
        File.GetUnixFileMode(machine.BinaryPath).HasFlag(UnixFileMode.UserExecute).ShouldBeTrue();
        Directory.GetFiles(Path.GetDirectoryName(machine.BinaryPath)!).Select(Path.GetFileName).Order()
            .ToArray().ShouldBe(["guruconnect-agent", "guruconnect-agent.previous"], "no staging file is left behind");
        var state = machine.StateFile.Read().ShouldNotBeNull();
        state.Phase.ShouldBe(UpdatePhases.Trial);
        state.FromVersion.ShouldBe("0.1.0");
        state.ToVersion.ShouldBe("0.2.0");
        state.Deadline.ShouldBe(machine.Time.GetUtcNow() + TimeSpan.FromMinutes(2));
        state.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(next)));
        machine.Logs.Entries.ShouldContain(e => e.EventId.Id == 5705);
    }

    [Fact]
    public async Task A_manifest_signed_with_another_key_is_refused_before_anything_is_downloaded()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        server.Publish(other, "0.2.0", UpdateMachine.Script("0.2.0"));

        await ShouldBeRefused("release signature of agent 0.2.0 does not verify");
        server.Downloads.ShouldBe(0);
    }

    [Fact]
    public async Task A_signature_over_other_fields_is_refused()
    {
        // Signed for 0.2.0, presented as 9.9.9: the signature covers the version.
        server.Publish(machine.SigningKey, "9.9.9", UpdateMachine.Script("9.9.9"), signedVersion: "0.2.0");
        await ShouldBeRefused("does not verify");

        // Signed for another binary than the one the manifest names.
        server.Publish(machine.SigningKey, "0.2.0", UpdateMachine.Script("0.2.0"), signedSha: new string('a', 64));
        await ShouldBeRefused("does not verify");
        server.Downloads.ShouldBe(0);
    }

    [Fact]
    public async Task An_unsigned_manifest_is_refused()
    {
        server.Publish(null, "0.2.0", UpdateMachine.Script("0.2.0"));
        await ShouldBeRefused("is not signed with a release key");
    }

    [Fact]
    public async Task A_download_whose_SHA256_is_not_the_signed_one_is_refused_and_deleted()
    {
        // The manifest (and its signature) name one binary; the download serves another.
        server.Publish(machine.SigningKey, "0.2.0", UpdateMachine.Script("0.2.0"), served: UpdateMachine.Script("6.6.6"));

        await ShouldBeRefused("SHA-256 of the downloaded agent 0.2.0 is not the signed one");
        server.Downloads.ShouldBe(1);
        machine.StateFile.Read().ShouldBeNull("nothing was on trial");
    }

    [Fact]
    public async Task A_downgrade_is_refused()
    {
        server.Publish(machine.SigningKey, "0.0.9", UpdateMachine.Script("0.0.9"));
        await ShouldBeRefused("agent 0.0.9 is older than the installed 0.1.0 (no downgrades)");
        server.Downloads.ShouldBe(0);
    }

    [Fact]
    public async Task The_same_version_is_up_to_date_and_installs_nothing()
    {
        server.Publish(machine.SigningKey, UpdateMachine.InstalledVersion, UpdateMachine.Script("0.1.0-other"));

        var result = await Check();

        result.Outcome.ShouldBe(UpdateOutcome.UpToDate);
        machine.ShouldBeUntouched();
        server.Downloads.ShouldBe(0);
    }

    [Fact]
    public async Task A_release_outranks_its_prerelease_and_a_prerelease_does_not_replace_its_release()
    {
        server.Publish(machine.SigningKey, "0.1.0-beta.2", UpdateMachine.Script("0.1.0-beta.2"));
        await ShouldBeRefused("no downgrades");

        AgentVersion.Parse("0.2.0-beta.2")!.CompareTo(AgentVersion.Parse("0.2.0-beta.10")).ShouldBeLessThan(0);
        AgentVersion.Parse("0.2.0-beta.2")!.CompareTo(AgentVersion.Parse("0.2.0")).ShouldBeLessThan(0);
        AgentVersion.Parse("0.10.0")!.CompareTo(AgentVersion.Parse("0.9.9+abc")).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_manifest_for_another_platform_is_refused()
    {
        server.Publish(machine.SigningKey, "0.2.0", UpdateMachine.Script("0.2.0"), platform: "win-x64");
        await ShouldBeRefused("is for platform \"win-x64\", not linux-x64");
    }

    [Fact]
    public async Task A_signed_binary_that_cannot_start_here_is_refused()
    {
        // Correctly signed and hashed, but not an executable this machine can run.
        server.Publish(machine.SigningKey, "0.2.0", [0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]);
        await ShouldBeRefused("the downloaded agent 0.2.0 cannot run on this machine");
    }

    [Fact]
    public async Task A_signed_binary_that_fails_on_start_is_refused()
    {
        server.Publish(machine.SigningKey, "0.2.0", "#!/bin/sh\necho 'missing libicu' >&2\nexit 134\n"u8.ToArray());
        await ShouldBeRefused("exited with code 134 on --version: missing libicu");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"version":"0.2.0\u0007\u001b[2J","platform":"linux-x64","sha256":"00","signature":"AA=="}""")]
    [InlineData("""{"version":"0.2.0","platform":"linux-x64","sha256":"zz","signature":"%%%"}""")]
    [InlineData("""{"version":99999999999,"platform":null}""")]
    public async Task A_malformed_manifest_is_refused_with_a_clear_line(string json)
    {
        server.ManifestJson = json;

        var result = await Check();

        result.Outcome.ShouldBe(UpdateOutcome.Refused, result.Message);
        result.Message.ShouldNotContain("\u001b");
        machine.ShouldBeUntouched();
    }

    [Fact]
    public async Task A_huge_manifest_is_refused()
    {
        server.ManifestJson = "{\"version\":\"" + new string('1', 200_000) + "\"}";
        await ShouldBeRefused("too large");
    }

    [Fact]
    public async Task Nothing_published_is_not_an_error()
    {
        server.ManifestJson = null;

        (await Check()).Outcome.ShouldBe(UpdateOutcome.NothingPublished);
        machine.ShouldBeUntouched();
    }

    [Fact]
    public async Task A_build_without_a_release_key_never_updates_and_says_so()
    {
        server.Publish(machine.SigningKey, "0.2.0", UpdateMachine.Script("0.2.0"));
        var updater = machine.CreateUpdater(http, ReleaseKey.Parse(null));

        var result = await updater.CheckAsync(server.BaseAddress, apply: true, requested: true, TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(UpdateOutcome.Disabled);
        result.Message.ShouldContain("no release public key");
        server.Downloads.ShouldBe(0);
        machine.ShouldBeUntouched();
    }

    [Fact]
    public void The_compiled_in_key_is_read_from_assembly_metadata()
    {
        ReleaseKey.Parse(Convert.ToBase64String(machine.SigningKey.ExportSubjectPublicKeyInfo())).IsPresent.ShouldBeTrue();
        ReleaseKey.Parse("not base64!").Problem.ShouldNotBeNull();
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        ReleaseKey.Parse(Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo())).Problem!.ShouldContain("not P-256");
        // This test build passes no -p:GuruConnectReleasePublicKey: updates are off, and say why.
        ReleaseKey.FromAssembly(typeof(Updater).Assembly).Problem!.ShouldContain("development build");
    }

    private Task<UpdateResult> Check() =>
        machine.CreateUpdater(http).CheckAsync(server.BaseAddress, apply: true, requested: false, TestContext.Current.CancellationToken);

    private async Task ShouldBeRefused(string reason)
    {
        var before = machine.Logs.Entries.Count;

        var result = await Check();

        result.Outcome.ShouldBe(UpdateOutcome.Refused, result.Message);
        result.Message.ShouldContain(reason);
        var lines = machine.Logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Warning).ToList();
        lines.Count.ShouldBe(1, "one clear line per refusal");
        lines[0].EventId.Id.ShouldBe(5703);
        lines[0].Line.ShouldContain(reason);
        lines[0].Line.ShouldContain("The installed agent 0.1.0 is unchanged");
        machine.ShouldBeUntouched();
    }
}
