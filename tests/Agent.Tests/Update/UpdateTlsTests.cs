using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using GuruConnect.Agent.Update;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GuruConnect.Agent.Tests.Update;

/// <summary>
/// docs/security.md §20: updates only travel over verified TLS, and no build has a switch to accept an
/// invalid certificate. The updater is run with the client the agent really registers (the platform's
/// own validation) against a server whose certificate this machine does not trust, and the agent
/// assembly — the Release build when the tests are built with <c>-c Release</c>, as CI does — is read
/// for any certificate-validation callback at all.
/// </summary>
public sealed class UpdateTlsTests
{
    /// <summary>What turning certificate checks off looks like in .NET; none of it may appear in the agent.</summary>
    private static readonly string[] Forbidden =
    [
        "set_ServerCertificateCustomValidationCallback",
        "DangerousAcceptAnyServerCertificateValidator",
        "set_RemoteCertificateValidationCallback",
        "RemoteCertificateValidationCallback",
        "set_CertificateChainPolicy",
        "set_CheckCertificateRevocationList",
    ];

    [Fact]
    public async Task A_server_certificate_this_machine_does_not_trust_is_refused()
    {
        UpdateMachine.SkipUnlessUnix();
        using var machine = new UpdateMachine();
        await using var server = await ReleaseServer.StartAsync();
        server.Publish(machine.SigningKey, "0.2.0", UpdateMachine.Script("0.2.0"));
        using var provider = AgentClient(out var client);

        var result = await machine.CreateUpdater(client).CheckAsync(server.BaseAddress, apply: true, requested: true, TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(UpdateOutcome.Refused, result.Message);
        result.Message.ShouldContain("TLS to 127.0.0.1 failed");
        server.Downloads.ShouldBe(0);
        machine.ShouldBeUntouched();
    }

    [Fact]
    public async Task A_plain_http_server_is_refused()
    {
        UpdateMachine.SkipUnlessUnix();
        using var machine = new UpdateMachine();
        await using var server = await ReleaseServer.StartAsync(tls: false);
        server.Publish(machine.SigningKey, "0.2.0", UpdateMachine.Script("0.2.0"));
        using var http = new HttpClient();

        var result = await machine.CreateUpdater(http).CheckAsync(server.BaseAddress, apply: true, requested: true, TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(UpdateOutcome.Refused);
        result.Message.ShouldContain("is not https (updates only travel over verified TLS)");
        machine.ShouldBeUntouched();
    }

    [Fact]
    public async Task A_plain_http_download_url_is_refused_even_from_an_https_manifest()
    {
        UpdateMachine.SkipUnlessUnix();
        using var machine = new UpdateMachine();
        await using var server = await ReleaseServer.StartAsync();
        server.Publish(machine.SigningKey, "0.2.0", UpdateMachine.Script("0.2.0"));
        server.ManifestJson = server.ManifestJson!.Replace("https://", "http://", StringComparison.Ordinal);
        using var http = server.CreateTrustingClient();

        var result = await machine.CreateUpdater(http).CheckAsync(server.BaseAddress, apply: true, requested: true, TestContext.Current.CancellationToken);

        result.Message.ShouldContain("the download URL");
        result.Outcome.ShouldBe(UpdateOutcome.Refused);
        machine.ShouldBeUntouched();
    }

    [Fact]
    public void The_agent_assembly_sets_no_certificate_validation_callback()
    {
        var path = typeof(Updater).Assembly.Location;
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var names = metadata.MemberReferences.Select(h => metadata.GetString(metadata.GetMemberReference(h).Name))
            .Concat(metadata.TypeReferences.Select(h => metadata.GetString(metadata.GetTypeReference(h).Name)))
            .ToHashSet(StringComparer.Ordinal);

        // The scan sees the agent's references (the updater's HttpClient is among them).
        names.ShouldContain("GetAsync");
        foreach (var name in Forbidden)
        {
            names.ShouldNotContain(name, $"{path} references {name}: the agent must never weaken TLS certificate checks");
        }
    }

    [Fact]
    public void No_setting_reaches_the_update_client_s_certificate_checks()
    {
        // The settings the updater reads: channel and on/off. Nothing else, and nothing about TLS.
        var settings = UpdateSettings.FromEnvironment(name => name switch
        {
            UpdateSettings.ChannelVariable => "beta",
            UpdateSettings.EnabledVariable => "off",
            _ => "1",
        });
        settings.Channel.ShouldBe("beta");
        settings.Enabled.ShouldBeFalse();
        typeof(UpdateSettings).GetProperties().Select(p => p.Name).Order().ToArray().ShouldBe(
            ["Channel", "CheckInterval", "CheckJitter", "Enabled", "FirstCheckDelay", "FirstCheckSpread", "MaxDownloadBytes", "ProbeTimeout", "RollbackWindow"]);
    }

    /// <summary>The UpdateClient exactly as the agent registers it (Update/UpdateServices.cs).</summary>
    private static ServiceProvider AgentClient(out UpdateClient client)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new GuruConnect.Agent.Config.AgentPaths("/nonexistent/agent.json", "/nonexistent/state"));
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddUpdates();
        var provider = services.BuildServiceProvider();
        client = provider.GetRequiredService<UpdateClient>();
        return provider;
    }
}
